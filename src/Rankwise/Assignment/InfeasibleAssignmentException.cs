namespace Rankwise.Assignment;

/// <summary>
/// The cost matrix admits no complete assignment with a finite total: some set of rows (or columns) can only be
/// matched through <c>+∞</c> (forbidden) entries, e.g. a whole row of <c>+∞</c>. It is an
/// <see cref="ArgumentException"/> (parameter <c>cost</c>), matching the <c>ValueError("cost matrix is infeasible")</c>
/// raised by <c>scipy.optimize.linear_sum_assignment</c>.
/// </summary>
public sealed class InfeasibleAssignmentException : ArgumentException
{
    /// <summary>Creates the exception with a one-line message that starts with "cost matrix is infeasible".</summary>
    /// <param name="detail">What could not be assigned, appended after a colon; may be null.</param>
    /// <param name="paramName">The name of the cost-matrix argument.</param>
    public InfeasibleAssignmentException(string? detail, string? paramName = "cost")
        : base(detail is null ? "cost matrix is infeasible" : $"cost matrix is infeasible: {detail}", paramName)
    {
    }
}
