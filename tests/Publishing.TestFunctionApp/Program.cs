using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Publishing.Functions.Http;
using Publishing.TestFunctionApp;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<HttpFaultMiddleware>();

builder.Services.AddCallLog(builder.Configuration);

builder.Build().Run();
