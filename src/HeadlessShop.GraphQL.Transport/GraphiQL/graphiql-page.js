// Starts GraphiQL on the page served at the GraphQL endpoint: queries and mutations over HTTP POST to the same
// path, subscriptions over its WebSocket (graphql-transport-ws). A ?query= in the address opens that query.
(function () {
  'use strict';
  var root = document.getElementById('graphiql');
  var endpoint = root.dataset.endpoint;
  var wsScheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  var subscriptionUrl = wsScheme + '//' + window.location.host + endpoint;
  // Browsers cannot set headers on a WebSocket: the headers editor's headers (a bearer token) travel in the
  // connection_init payload instead, so each distinct set of headers gets its own (lazily opened) connection.
  var fetchers = {};
  var fetcher = function (params, options) {
    var headers = (options && options.headers) || {};
    var key = JSON.stringify(headers);
    if (!fetchers[key]) {
      fetchers[key] = GraphiQL.createFetcher({ url: endpoint, subscriptionUrl: subscriptionUrl, wsConnectionParams: headers });
    }
    return fetchers[key](params, options);
  };
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
