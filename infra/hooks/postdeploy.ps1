# azd postdeploy hook for Windows (azure.yml); the same steps as postdeploy.sh (change both together), which explains
# why the subscription (infra/app/event-subscription.bicep) is deployed here and not by main.bicep: the webhook needs
# the host's blobs_extension system key, which exists only after the deployed code has started.
$ErrorActionPreference = 'Stop'

foreach ($name in 'AZURE_RESOURCE_GROUP', 'AZURE_FUNCTION_APP_NAME', 'SERVICE_FUNCTIONS_URI', 'AZURE_EVENTGRID_SYSTEM_TOPIC_NAME',
  'AZURE_STORAGE_ACCOUNT_NAME', 'AZURE_EVENTGRID_DEADLETTER_CONTAINER') {
  if (-not [Environment]::GetEnvironmentVariable($name)) { throw "$name is not set: run through azd (azd up / azd deploy)." }
}
$articlesContainer = if ($env:AZURE_ARTICLES_CONTAINER) { $env:AZURE_ARTICLES_CONTAINER } else { 'articles' }
$functionName = 'PublishArticle'
$subscriptionName = 'articles-to-publisharticle'
$template = Join-Path $PSScriptRoot '../app/event-subscription.bicep'

if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
  throw "The Azure CLI (az) is needed to create the Event Grid subscription; install it, sign in, and run 'azd deploy' again."
}

$key = ''
for ($attempt = 1; $attempt -le 30; $attempt++) {
  $key = az functionapp keys list --resource-group $env:AZURE_RESOURCE_GROUP --name $env:AZURE_FUNCTION_APP_NAME `
    --query systemKeys.blobs_extension --output tsv 2>$null
  if ($key) { break }
  try { Invoke-WebRequest -Uri "$($env:SERVICE_FUNCTIONS_URI)/api/tags" -TimeoutSec 30 -SkipHttpErrorCheck | Out-Null } catch { }
  Write-Host "Waiting for the host's blobs_extension key (attempt $attempt)..."
  Start-Sleep -Seconds 10
}
if (-not $key) {
  throw "The function app has no blobs_extension system key yet; check that it started, then run 'azd deploy' again."
}

$endpoint = "$($env:SERVICE_FUNCTIONS_URI)/runtime/webhooks/blobs?functionName=Host.Functions.$functionName&code=$key"

# The parameters go in a file in the user's temp folder, not on the command line, where the key would be visible to
# other processes (and where cmd.exe, which runs az on Windows, would split the URL at its '&').
$parameters = New-TemporaryFile
try {
  @{
    '$schema'      = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#'
    contentVersion = '1.0.0.0'
    parameters     = @{
      systemTopicName     = @{ value = $env:AZURE_EVENTGRID_SYSTEM_TOPIC_NAME }
      storageAccountName  = @{ value = $env:AZURE_STORAGE_ACCOUNT_NAME }
      articlesContainer   = @{ value = $articlesContainer }
      deadLetterContainer = @{ value = $env:AZURE_EVENTGRID_DEADLETTER_CONTAINER }
      subscriptionName    = @{ value = $subscriptionName }
      deletionsQueue      = @{ value = $(if ($env:AZURE_ARTICLE_DELETIONS_QUEUE) { $env:AZURE_ARTICLE_DELETIONS_QUEUE } else { 'article-deletions' }) }
      webhookUrl          = @{ value = $endpoint }
    }
  } | ConvertTo-Json -Depth 4 | Set-Content -Path $parameters -Encoding utf8

  Write-Host "Subscribing $functionName to BlobCreated events of container '$articlesContainer' (dead letters to '$($env:AZURE_EVENTGRID_DEADLETTER_CONTAINER)')..."
  # az builds the Bicep itself (it installs its own Bicep CLI on first use).
  az deployment group create `
    --resource-group $env:AZURE_RESOURCE_GROUP `
    --name $subscriptionName `
    --template-file $template `
    --parameters "@$parameters" `
    --output none
  if ($LASTEXITCODE -ne 0) { throw "Deploying the Event Grid subscription failed." }
}
finally {
  Remove-Item -Path $parameters -Force -ErrorAction SilentlyContinue
}

Write-Host "Event Grid subscription '$subscriptionName' delivers to Host.Functions.$functionName."
