namespace HeadlessShop.GraphQL.Transport.Errors;

/// <summary>The <c>extensions.code</c> values the transport itself produces.</summary>
public static class TransportErrorCodes
{
    public const string BadRequest = "BAD_REQUEST";
    public const string BadUserInput = "BAD_USER_INPUT";
    public const string ParseFailed = "GRAPHQL_PARSE_FAILED";
    public const string ValidationFailed = "GRAPHQL_VALIDATION_FAILED";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string InternalServerError = "INTERNAL_SERVER_ERROR";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    public const string NotAcceptable = "NOT_ACCEPTABLE";
    public const string PersistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND";
    public const string PersistedQueryHashMismatch = "PERSISTED_QUERY_HASH_MISMATCH";
    public const string PersistedQueryRequired = "PERSISTED_QUERY_REQUIRED";
    public const string TooDeep = "QUERY_TOO_DEEP";
    public const string TooManyAliases = "QUERY_TOO_MANY_ALIASES";
    public const string TooManyRootFields = "QUERY_TOO_MANY_ROOT_FIELDS";
    public const string TooCostly = "QUERY_TOO_COSTLY";
    public const string TooLarge = "QUERY_TOO_LARGE";
    public const string TooManyTokens = "QUERY_TOO_MANY_TOKENS";
    public const string IntrospectionDisabled = "INTROSPECTION_DISABLED";
    public const string BatchingNotSupported = "BATCHING_NOT_SUPPORTED";
    public const string SubscriptionOverHttp = "SUBSCRIPTION_REQUIRES_WEBSOCKET";
}
