import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './page.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { storedEnvironment, storedToken } from '../src/storage';

/**
 * GraphiQL for the service's own /graphql: queries over HTTP, subscriptions over graphql-ws on the
 * same path. The Headers tab's Authorization is sent on both (to graphql-ws as connectionParams);
 * it starts with the dashboard's token when this tab has signed in there.
 */
const url = `${location.origin}/graphql`;
const authorization = `Bearer ${storedToken() ?? '<paste a token: npm run token -- --role viewer --env ENV>'}`;
// Also given to the fetcher: GraphiQL loads the schema before its Headers editor exists. The editor's value wins once set.
const fetcher = createGraphiQLFetcher({
  url,
  subscriptionUrl: url.replace(/^http/, 'ws'),
  headers: { Authorization: authorization },
  wsConnectionParams: { Authorization: authorization },
});
const headers = JSON.stringify({ Authorization: authorization }, null, 2);
const query = `# Vitals GraphQL API: set the Authorization header below, then run (Ctrl-Enter).
# Subscriptions (liveAggregates, agentHealthChanged, alertEvents) stream here too.
query Fleet {
  agents(environment: ${JSON.stringify(storedEnvironment() ?? 'prod')}, first: 10) {
    totalCount
    edges { node { id status lastHeartbeatAt health { score } } }
  }
}
`;

createRoot(document.getElementById('graphiql')!).render(
  createElement(GraphiQL, { fetcher, initialHeaders: headers, defaultHeaders: headers, defaultQuery: query, defaultEditorToolsVisibility: 'headers' }),
);
