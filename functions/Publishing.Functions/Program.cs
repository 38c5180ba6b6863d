using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Publishing;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

builder.Services
    .AddPublishingStorage(builder.Configuration)
    .AddArticles(builder.Configuration);

builder.Build().Run();
