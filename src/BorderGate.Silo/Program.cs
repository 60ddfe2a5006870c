var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/health", () => "Healthy");
app.Run();

/// <summary>Entry point, visible to functional tests.</summary>
public partial class Program;
