import { ensureFerretDbBinary } from '../src/storage/embedded/embedded-ferretdb';

/** Builds the embedded FerretDB once (the service and the tests also build it on demand). */
ensureFerretDbBinary(undefined, (message) => console.log(message))
  .then((binary) => console.log(`embedded database ready: ${binary}`))
  .catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
