# azd postdeploy hook for Windows (azure.yml); the same steps as postdeploy.sh, which explains why this is a
# hook and not Bicep: the webhook needs the host's blobs_extension system key, which exists only after the
# deployed code has started.
$ErrorActionPreference = 'Stop'

foreach ($name in 'AZURE_RESOURCE_GROUP', 'AZURE_FUNCTION_APP_NAME', 'SERVICE_FUNCTIONS_URI', 'AZURE_EVENTGRID_SYSTEM_TOPIC_NAME') {
  if (-not [Environment]::GetEnvironmentVariable($name)) { throw "$name is not set: run through azd (azd up / azd deploy)." }
}
$articlesContainer = if ($env:AZURE_ARTICLES_CONTAINER) { $env:AZURE_ARTICLES_CONTAINER } else { 'articles' }
$functionName = 'PublishArticle'
$subscriptionName = 'articles-to-publisharticle'

if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
  throw "The Azure CLI (az) is needed to create the Event Grid subscription; install it, sign in, and run 'azd deploy' again."
}

$key = ''
for ($attempt = 1; $attempt -le 30; $attempt++) {
  $key = az functionapp keys list --resource-group $env:AZURE_RESOURCE_GROUP --name $env:AZURE_FUNCTION_APP_NAME `
    --query systemKeys.blobs_extension --output tsv 2>$null
  if ($key) { break }
  try { Invoke-WebRequest -Uri "$($env:SERVICE_FUNCTIONS_URI)/api/submissions/warm-up" -TimeoutSec 30 -SkipHttpErrorCheck | Out-Null } catch { }
  Write-Host "Waiting for the host's blobs_extension key (attempt $attempt)..."
  Start-Sleep -Seconds 10
}
if (-not $key) {
  throw "The function app has no blobs_extension system key yet; check that it started, then run 'azd deploy' again."
}

# Wrapped in literal double quotes: on Windows az is a .cmd script, and cmd.exe would split the URL at its '&'.
$endpoint = '"' + "$($env:SERVICE_FUNCTIONS_URI)/runtime/webhooks/blobs?functionName=Host.Functions.$functionName&code=$key" + '"'

Write-Host "Subscribing $functionName to BlobCreated events of container '$articlesContainer'..."
az eventgrid system-topic event-subscription create `
  --name $subscriptionName `
  --resource-group $env:AZURE_RESOURCE_GROUP `
  --system-topic-name $env:AZURE_EVENTGRID_SYSTEM_TOPIC_NAME `
  --endpoint-type webhook `
  --endpoint $endpoint `
  --included-event-types Microsoft.Storage.BlobCreated `
  --subject-begins-with "/blobServices/default/containers/$articlesContainer/" `
  --advanced-filter data.api StringIn PutBlob PutBlockList CopyBlob FlushWithClose `
  --max-delivery-attempts 30 `
  --event-ttl 1440 `
  --output none
if ($LASTEXITCODE -ne 0) { throw "Creating the Event Grid subscription failed." }

Write-Host "Event Grid subscription '$subscriptionName' delivers to Host.Functions.$functionName."
