using System.Text.Json.Nodes;

namespace Publishing.IntegrationTests.Deployment;

/// <summary>A resource of a compiled template and the template it is declared in (to evaluate its expressions).</summary>
internal sealed record ArmResource(JsonObject Json, ArmTemplate Template)
{
    public string Evaluate(string property) => Template.EvaluateString(Json[property]);
}
