namespace Rankwise.Cli.Infrastructure;

/// <summary>A plot in a report, described as data; <see cref="Reports.PlotRenderer"/> draws it.</summary>
/// <param name="Id">Stable identifier (used as the HTML element id, e.g. <c>unit-heatmap</c>).</param>
/// <param name="Title">Title shown above the plot.</param>
/// <param name="Caption">One or two sentences saying how to read it.</param>
public abstract record Figure(string Id, string Title, string Caption);

/// <summary>A matrix drawn as a colour map (rows top to bottom).</summary>
/// <param name="Id">Identifier.</param>
/// <param name="Title">Title.</param>
/// <param name="Caption">Caption.</param>
/// <param name="Values">Row-major values [rows, cols]; NaN is drawn blank.</param>
/// <param name="Rows">Number of rows.</param>
/// <param name="Columns">Number of columns.</param>
/// <param name="RowLabel">Axis label of the rows.</param>
/// <param name="ColumnLabel">Axis label of the columns.</param>
/// <param name="ColorLabel">What the colour encodes.</param>
/// <param name="RowNames">Optional tick labels of the rows.</param>
/// <param name="ColumnNames">Optional tick labels of the columns.</param>
public sealed record HeatmapFigure(string Id, string Title, string Caption, double[] Values, int Rows, int Columns,
    string RowLabel, string ColumnLabel, string ColorLabel, IReadOnlyList<string>? RowNames = null, IReadOnlyList<string>? ColumnNames = null)
    : Figure(Id, Title, Caption);

/// <summary>One named series of (x, y) points.</summary>
/// <param name="Name">Legend entry.</param>
/// <param name="X">x values.</param>
/// <param name="Y">y values (same length).</param>
/// <param name="Low">Optional lower band (same length), e.g. a confidence interval.</param>
/// <param name="High">Optional upper band.</param>
public sealed record Series(string Name, double[] X, double[] Y, double[]? Low = null, double[]? High = null);

/// <summary>Lines (with markers) through one or more series.</summary>
public sealed record LineFigure(string Id, string Title, string Caption, string XLabel, string YLabel, IReadOnlyList<Series> Series)
    : Figure(Id, Title, Caption);

/// <summary>Points without lines (e.g. predicted rank vs true rank).</summary>
public sealed record ScatterFigure(string Id, string Title, string Caption, string XLabel, string YLabel, IReadOnlyList<Series> Series, bool Diagonal = false)
    : Figure(Id, Title, Caption);

/// <summary>A histogram of values with optional vertical markers (observed value, interval ends).</summary>
/// <param name="Id">Identifier.</param>
/// <param name="Title">Title.</param>
/// <param name="Caption">Caption.</param>
/// <param name="XLabel">What the values are.</param>
/// <param name="Values">The values (NaN ignored).</param>
/// <param name="Markers">Named vertical lines.</param>
public sealed record HistogramFigure(string Id, string Title, string Caption, string XLabel, double[] Values,
    IReadOnlyList<(string Name, double X)> Markers) : Figure(Id, Title, Caption);

/// <summary>Bars with optional error bars.</summary>
/// <param name="Id">Identifier.</param>
/// <param name="Title">Title.</param>
/// <param name="Caption">Caption.</param>
/// <param name="YLabel">Value axis label.</param>
/// <param name="Labels">One label per bar.</param>
/// <param name="Values">Bar heights.</param>
/// <param name="Low">Optional lower error ends.</param>
/// <param name="High">Optional upper error ends.</param>
public sealed record BarFigure(string Id, string Title, string Caption, string YLabel, IReadOnlyList<string> Labels, double[] Values,
    double[]? Low = null, double[]? High = null) : Figure(Id, Title, Caption);
