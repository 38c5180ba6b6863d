using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Publishing.Functions;
using Publishing.Functions.Http;
using Publishing.Functions.Telemetry;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<SecurityHeadersMiddleware>();
builder.UseMiddleware<CrossSiteRequestMiddleware>();
builder.UseMiddleware<HttpFaultMiddleware>();

builder.Services.AddPublishingApp(builder.Configuration);
builder.AddTelemetry();

builder.Build().Run();
