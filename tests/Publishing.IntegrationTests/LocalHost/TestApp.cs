namespace Publishing.IntegrationTests.LocalHost;

/// <summary>Which worker app a test's local host runs.</summary>
public enum TestApp
{
    /// <summary>The function app itself (functions/Publishing.Functions), as <c>./run.sh</c> runs it.</summary>
    Publishing,

    /// <summary>The tests' own worker app (tests/Publishing.TestFunctionApp): functions that throw, wait, echo, stream.</summary>
    TestFunctions,
}
