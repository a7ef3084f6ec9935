import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { TOKEN_KEY } from '../src/session';

/**
 * GraphiQL for the service's own /graphql: queries over HTTP, subscriptions over graphql-ws on the
 * same path. The Headers tab's Authorization is sent on both (graphql-ws as connectionParams);
 * it starts with the dashboard's token when this tab has signed in there.
 */
const url = `${location.origin}/graphql`;
const fetcher = createGraphiQLFetcher({ url, subscriptionUrl: url.replace(/^http/, 'ws') });
const token = sessionStorage.getItem(TOKEN_KEY) ?? '<paste a token: npm run token>';
const defaultHeaders = JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2);

createRoot(document.getElementById('graphiql')!).render(createElement(GraphiQL, { fetcher, defaultHeaders, defaultEditorToolsVisibility: 'headers' }));
