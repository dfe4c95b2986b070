using Rankwise.Cli.Infrastructure;
using ScottPlot;

namespace Rankwise.Cli.Reports;

/// <summary>Draws <see cref="Figure"/>s with ScottPlot 5 as SVG for the self-contained HTML report.</summary>
public static class PlotRenderer
{
    /// <summary>Default plot size in CSS pixels (the SVG scales to the page width).</summary>
    public const int Width = 720, Height = 440;

    /// <summary>Renders a figure as an SVG document string.</summary>
    public static string Svg(Figure figure)
    {
        var plot = new Plot();
        plot.Title(figure.Title);
        switch (figure)
        {
            case HeatmapFigure h: DrawHeatmap(plot, h); break;
            case LineFigure l: DrawSeries(plot, l.Series, lines: true, l.XLabel, l.YLabel); break;
            case ScatterFigure s:
                DrawSeries(plot, s.Series, lines: false, s.XLabel, s.YLabel);
                if (s.Diagonal) DrawDiagonal(plot, s.Series);
                break;
            case HistogramFigure h: DrawHistogram(plot, h); break;
            case BarFigure b: DrawBars(plot, b); break;
            default: throw new ArgumentException($"unknown figure type {figure.GetType().Name}");
        }
        return plot.GetSvgXml(Width, Height);
    }

    private static void DrawHeatmap(Plot plot, HeatmapFigure h)
    {
        var data = new double[h.Rows, h.Columns];
        for (int i = 0; i < h.Rows; i++)
            for (int j = 0; j < h.Columns; j++)
                data[i, j] = h.Values[i * h.Columns + j];
        var map = plot.Add.Heatmap(data);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        var bar = plot.Add.ColorBar(map);
        bar.Label = h.ColorLabel;
        plot.XLabel(h.ColumnLabel);
        plot.YLabel(h.RowLabel);
        // Matrix convention: row 0 at the top, column 0 at the left; ticks name rows and columns by index or label.
        var columnTicks = Ticks(h.Columns, h.ColumnNames);
        plot.Axes.Bottom.SetTicks(columnTicks.Select(t => (double)t.Index).ToArray(), columnTicks.Select(t => t.Label).ToArray());
        var rowTicks = Ticks(h.Rows, h.RowNames);
        plot.Axes.Left.SetTicks(rowTicks.Select(t => (double)(h.Rows - 1 - t.Index)).ToArray(), rowTicks.Select(t => t.Label).ToArray());
    }

    private static List<(int Index, string Label)> Ticks(int count, IReadOnlyList<string>? names)
    {
        int step = Math.Max(1, (int)Math.Ceiling(count / 20.0));
        var ticks = new List<(int, string)>();
        for (int i = 0; i < count; i += step)
            ticks.Add((i, names is not null ? names[i] : i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return ticks;
    }

    private static void DrawSeries(Plot plot, IReadOnlyList<Series> series, bool lines, string xLabel, string yLabel)
    {
        var palette = new ScottPlot.Palettes.Category10();
        for (int k = 0; k < series.Count; k++)
        {
            var s = series[k];
            var color = palette.GetColor(k);
            if (s.Low is not null && s.High is not null)
            {
                var band = plot.Add.FillY(s.X, s.Low, s.High);
                band.FillColor = color.WithAlpha(0.2);
                band.LineColor = Colors.Transparent;
            }
            var scatter = plot.Add.Scatter(s.X, s.Y, color);
            scatter.LegendText = s.Name;
            scatter.LineWidth = lines ? 2 : 0;
            scatter.MarkerSize = lines ? 5 : 4;
        }
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        if (series.Count > 1 || series.Any(s => !string.IsNullOrEmpty(s.Name)))
            plot.ShowLegend(Alignment.LowerRight);
    }

    private static void DrawDiagonal(Plot plot, IReadOnlyList<Series> series)
    {
        var all = series.SelectMany(s => s.X.Concat(s.Y)).Where(double.IsFinite).ToArray();
        if (all.Length == 0) return;
        double lo = all.Min(), hi = all.Max();
        var line = plot.Add.Line(lo, lo, hi, hi);
        line.LineColor = Colors.Gray;
        line.LinePattern = LinePattern.Dashed;
    }

    private static void DrawHistogram(Plot plot, HistogramFigure h)
    {
        var values = h.Values.Where(double.IsFinite).ToArray();
        if (values.Length > 0)
        {
            double lo = values.Min(), hi = values.Max();
            int bins = Math.Clamp((int)Math.Ceiling(Math.Sqrt(values.Length)), 5, 60);
            double width = hi > lo ? (hi - lo) / bins : 1;
            var counts = new double[bins];
            foreach (var v in values)
                counts[Math.Min(bins - 1, (int)((v - lo) / width))]++;
            var positions = Enumerable.Range(0, bins).Select(i => lo + (i + 0.5) * width).ToArray();
            var bars = plot.Add.Bars(positions, counts);
            foreach (var bar in bars.Bars)
                bar.Size = width;
        }
        var palette = new ScottPlot.Palettes.Category10();
        for (int k = 0; k < h.Markers.Count; k++)
        {
            var (name, x) = h.Markers[k];
            if (!double.IsFinite(x)) continue;
            var line = plot.Add.VerticalLine(x);
            line.LegendText = name;
            line.LineColor = palette.GetColor(k + 1);
            line.LineWidth = 2;
        }
        plot.XLabel(h.XLabel);
        plot.YLabel("count");
        if (h.Markers.Count > 0)
            plot.ShowLegend(Alignment.UpperRight);
    }

    private static void DrawBars(Plot plot, BarFigure b)
    {
        var positions = Enumerable.Range(0, b.Values.Length).Select(i => (double)i).ToArray();
        plot.Add.Bars(positions, b.Values);
        if (b.Low is not null && b.High is not null)
        {
            var below = b.Values.Select((v, i) => v - b.Low[i]).ToArray();
            var above = b.Values.Select((v, i) => b.High[i] - v).ToArray();
            var errors = plot.Add.ErrorBar(positions, b.Values, below);
            errors.YErrorNegative = below;
            errors.YErrorPositive = above;
            errors.Color = Colors.Black;
        }
        plot.Axes.Bottom.SetTicks(positions, b.Labels.ToArray());
        if (b.Labels.Count > 5 || b.Labels.Any(l => l.Length > 8))
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = -35;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
            plot.Axes.Bottom.MinimumSize = 90;
        }
        plot.YLabel(b.YLabel);
    }
}
