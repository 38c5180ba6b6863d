#!/bin/sh
# azd postdeploy hook (azure.yml): subscribes the blob trigger's webhook to BlobCreated events of the articles
# container, by deploying infra/app/event-subscription.bicep (retry policy and dead-lettering included). It runs after
# deployment, not in main.bicep, because the webhook URL must carry the host's blobs_extension system key, and the host
# creates that key only when it first starts with the deployed code, which is after provisioning.
# azd passes the Bicep outputs (infra/main.bicep) as environment variables. Safe to re-run: the subscription is
# created or updated in place (so a rotated key is picked up by the next `azd deploy`).
# postdeploy.ps1 does the same on Windows: change both together.
set -eu

: "${AZURE_RESOURCE_GROUP:?run through azd (azd up / azd deploy): it sets the Bicep outputs}"
: "${AZURE_FUNCTION_APP_NAME:?}" "${SERVICE_FUNCTIONS_URI:?}" "${AZURE_EVENTGRID_SYSTEM_TOPIC_NAME:?}"
: "${AZURE_STORAGE_ACCOUNT_NAME:?}" "${AZURE_EVENTGRID_DEADLETTER_CONTAINER:?}"
articles_container="${AZURE_ARTICLES_CONTAINER:-articles}"

# The function with the Event Grid-sourced blob trigger (functions/Publishing.Functions/Articles/PublishArticle.cs).
function_name=PublishArticle
subscription_name=articles-to-publisharticle
template="$(dirname "$0")/../app/event-subscription.bicep"

if ! command -v az >/dev/null 2>&1; then
  echo "The Azure CLI (az) is needed to create the Event Grid subscription; install it, sign in, and run 'azd deploy' again." >&2
  exit 1
fi

# The key appears once the host has started and loaded the blob extension: wake it, then wait (about 5 min at most).
key=""
attempt=0
while :; do
  key=$(az functionapp keys list --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME" \
    --query systemKeys.blobs_extension --output tsv 2>/dev/null || true)
  [ -n "$key" ] && break
  attempt=$((attempt + 1))
  if [ "$attempt" -gt 30 ]; then
    echo "The function app has no blobs_extension system key yet; check that it started (Application Insights, 'az functionapp show'), then run 'azd deploy' again." >&2
    exit 1
  fi
  if command -v curl >/dev/null 2>&1; then
    curl --silent --output /dev/null --max-time 30 "$SERVICE_FUNCTIONS_URI/api/tags" || true
  fi
  echo "Waiting for the host's blobs_extension key (attempt $attempt)..."
  sleep 10
done

endpoint="$SERVICE_FUNCTIONS_URI/runtime/webhooks/blobs?functionName=Host.Functions.$function_name&code=$key"

# The parameters go in a file only this user can read, not on the command line, where the key would be visible to
# every process on the machine.
parameters=$(umask 077 && mktemp)
trap 'rm -f "$parameters"' EXIT
cat >"$parameters" <<JSON
{
  "\$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "systemTopicName": { "value": "$AZURE_EVENTGRID_SYSTEM_TOPIC_NAME" },
    "storageAccountName": { "value": "$AZURE_STORAGE_ACCOUNT_NAME" },
    "articlesContainer": { "value": "$articles_container" },
    "deadLetterContainer": { "value": "$AZURE_EVENTGRID_DEADLETTER_CONTAINER" },
    "subscriptionName": { "value": "$subscription_name" },
    "deletionsQueue": { "value": "${AZURE_ARTICLE_DELETIONS_QUEUE:-article-deletions}" },
    "webhookUrl": { "value": "$endpoint" }
  }
}
JSON

echo "Subscribing $function_name to BlobCreated events of container '$articles_container' (dead letters to '$AZURE_EVENTGRID_DEADLETTER_CONTAINER')..."
# az builds the Bicep itself (it installs its own Bicep CLI on first use).
az deployment group create \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --name "$subscription_name" \
  --template-file "$template" \
  --parameters "@$parameters" \
  --output none

echo "Event Grid subscription '$subscription_name' delivers to Host.Functions.$function_name; BlobDeleted events go to the queue '${AZURE_ARTICLE_DELETIONS_QUEUE:-article-deletions}'."
