/* global db */
// Run by the mongo image on the first start of an empty volume (docker-entrypoint-initdb.d), as
// the root user: creates the user Vitals connects with, limited to its own database.
const database = process.env.MONGODB_DB;
db.getSiblingDB(database).createUser({
  user: process.env.VITALS_DB_USERNAME,
  pwd: process.env.VITALS_DB_PASSWORD,
  roles: [
    { role: 'readWrite', db: database },
    { role: 'dbAdmin', db: database },
  ],
});
