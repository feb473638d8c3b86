using HeadlessShop.Api;

return await ShopCli.RunAsync(args);

/// <summary>Entry point; <c>WebApplicationFactory&lt;Program&gt;</c> in tests hooks in here.</summary>
public partial class Program;
