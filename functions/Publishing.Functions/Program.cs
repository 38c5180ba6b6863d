using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Publishing.Functions;
using Publishing.Functions.Http;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<SecurityHeadersMiddleware>();
builder.UseMiddleware<CrossSiteRequestMiddleware>();
builder.UseMiddleware<HttpFaultMiddleware>();

builder.Services.AddPublishingApp(builder.Configuration);

builder.Build().Run();
