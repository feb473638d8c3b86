// Starts GraphiQL on the page served at the GraphQL endpoint: queries and mutations over HTTP POST to the same
// path, subscriptions over its WebSocket (graphql-transport-ws). A ?query= in the address opens that query.
(function () {
  'use strict';
  var root = document.getElementById('graphiql');
  var endpoint = root.dataset.endpoint;
  var wsScheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  var fetcher = GraphiQL.createFetcher({
    url: endpoint,
    subscriptionUrl: wsScheme + '//' + window.location.host + endpoint,
  });
  var linked = new URLSearchParams(window.location.search).get('query');
  ReactDOM.createRoot(root).render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: root.dataset.defaultQuery,
    query: linked || undefined,
    // The headers editor is where a bearer token goes: { "Authorization": "Bearer ..." }. Not persisted.
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: 'headers',
  }));
})();
