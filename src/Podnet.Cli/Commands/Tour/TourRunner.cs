using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Podnet.Cli.Commands.Tour;

/// <summary>
/// Runs the tour's commands through <see cref="PodnetCli.Run"/> exactly as a user would type them
/// (against the cluster <c>tour</c>), captures what each printed, and renders the steps as text while
/// they run, or as JSON at the end. Steps and outcomes are values (<see cref="TourStepRun"/>).
/// </summary>
internal sealed class TourRunner(CliContext context, TourOptions options)
{
    private int _seedOffset;
    private TourStepRun? _current;
    private int _substep;

    public List<TourStepRun> Steps { get; } = [];

    /// <summary>When false, nothing is printed or recorded (the quiet setup before <c>--only</c>).</summary>
    public bool Visible { get; set; } = true;

    public bool Text => options.Output == "text";

    public TextWriter Out => context.Out;

    public void Say(string line)
    {
        if (Visible && Text)
        {
            context.Out.WriteLine(line);
        }
    }

    /// <summary>Starts a step: waits for Enter with <c>--step</c>, prints the heading and the explanation.</summary>
    public TourStepRun Begin(int path, string title, string text)
    {
        if (Visible && options.Step && Steps.Count > 0)
        {
            context.Err.Write($"-- press Enter for step {path.ToString(CultureInfo.InvariantCulture)} --");
            context.Err.Flush();
            context.In.ReadLine();
        }

        _current = new TourStepRun(path, title, text);
        _substep = 0;
        if (Visible)
        {
            Steps.Add(_current);
        }

        if (Visible && Text)
        {
            context.Out.WriteLine();
            context.Out.WriteLine($"== {path.ToString(CultureInfo.InvariantCulture)}. {title} ==");
            context.Out.WriteLine(text);
            context.Out.WriteLine();
            context.Out.Flush();
        }

        return _current;
    }

    /// <summary>Ends the current step with its closing line (or the failure, when a command failed).</summary>
    public void End(string closing)
    {
        var step = _current!;
        var failed = step.Commands.FirstOrDefault(c => !c.Ok);
        step.Closing = failed is null ? closing : $"This path FAILED: `{failed.Command}` " + (failed.Problem ?? $"exited {failed.ExitCode.ToString(CultureInfo.InvariantCulture)}, expected {failed.ExpectedExitCode.ToString(CultureInfo.InvariantCulture)}") + ".";
        if (Visible && Text)
        {
            context.Out.WriteLine("=> " + step.Closing);
            context.Out.Flush();
        }

        if (failed is not null)
        {
            context.Err.WriteLine($"tour: path {step.Path.ToString(CultureInfo.InvariantCulture)} ({step.Title}) failed: {failed.Command}");
        }
    }

    /// <summary>
    /// Runs <c>podnet ARGS</c> against the tour's cluster. Emulating commands (exec, trace, probe,
    /// outside) get the next seed when <c>--seed</c> is given; <paramref name="pcap"/> names the
    /// capture file a <c>trace</c> writes with <c>--pcap</c>.
    /// </summary>
    public TourCommandRun Run(string[] args, int expected = 0, string? pcap = null, Func<TourCommandRun, string?>? check = null)
    {
        var own = new List<string>();
        var rest = Array.Empty<string>();
        var dd = Array.IndexOf(args, "--");
        own.AddRange(dd < 0 ? args : args[..dd]);
        if (dd >= 0)
        {
            rest = args[dd..];
        }

        var shown = new List<string>(own);
        if (options.Seed is { } seed && args[0] is "exec" or "trace" or "probe" or "outside")
        {
            var s = (seed + _seedOffset++).ToString(CultureInfo.InvariantCulture);
            own.AddRange(["--seed", s]);
            shown.AddRange(["--seed", s]);
        }

        if (pcap is not null && options.PcapDirectory is { } dir && args[0] == "trace")
        {
            var file = Path.Combine(dir, pcap);
            own.AddRange(["--pcap", file]);
            shown.AddRange(["--pcap", file]);
            _current?.Captures.Add(file);
        }

        if (args[0] != "cluster")
        {
            own.AddRange(["--cluster", TourCommand.ClusterName]);
        }

        var full = own.Concat(rest).ToArray();
        var commandLine = "podnet " + string.Join(" ", shown.Concat(rest).Select(Quote));
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var sub = new CliContext(stdout, stderr, new StringReader(""), context.Clock, context.Home);
        var rc = PodnetCli.Run(full, sub);
        _substep++;
        var number = _current is null ? "" : $"{_current.Path.ToString(CultureInfo.InvariantCulture)}.{_substep.ToString(CultureInfo.InvariantCulture)}";
        var run = new TourCommandRun(number, commandLine, rc, expected, stdout.ToString(), stderr.ToString());
        if (run.ExitCode == expected && check?.Invoke(run) is { } problem)
        {
            run = run with { Problem = problem };
        }

        if (Visible)
        {
            _current?.Commands.Add(run);
        }

        if (Visible && Text)
        {
            context.Out.WriteLine("$ " + commandLine);
            context.Out.Write(run.Stdout);
            context.Out.Write(run.Stderr);
            context.Out.WriteLine();
            context.Out.Flush();
        }
        else if (!Visible && !run.Ok)
        {
            context.Err.Write(run.Stdout);
            context.Err.Write(run.Stderr);
        }

        return run;
    }

    private static string Quote(string a) => a.Length == 0 || a.Any(c => c is ' ' or '\'' or '"' or '(' or ')') ? "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'" : a;

    /// <summary>The summary table: each path and its measured outcome.</summary>
    public void Summary(IReadOnlyList<(int Path, string Name)> paths, IReadOnlyList<string> notes)
    {
        if (!Text)
        {
            return;
        }

        context.Out.WriteLine();
        context.Out.WriteLine("== Summary ==");
        context.Out.WriteLine("Each path the tour walked, with what actually happened in the emulation:");
        foreach (var (path, name) in paths)
        {
            var step = Steps.FirstOrDefault(s => s.Path == path);
            if (step is null)
            {
                continue;
            }

            context.Out.WriteLine($"  {path.ToString(CultureInfo.InvariantCulture)}. {name,-44} {(step.Ok ? "ok" : "FAILED")}");
        }

        foreach (var note in notes)
        {
            context.Out.WriteLine("  " + note);
        }

        context.Out.Flush();
    }

    /// <summary>The whole tour as JSON (<c>-o json</c>): the same steps, commands, outputs and outcomes as the text.</summary>
    public void WriteJson(IReadOnlyList<(int Path, string Name)> paths, IReadOnlyList<string> notes, bool ok)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("cluster", TourCommand.ClusterName);
            if (options.Seed is { } seed)
            {
                w.WriteNumber("seed", seed);
            }
            else
            {
                w.WriteNull("seed");
            }

            w.WriteStartArray("steps");
            foreach (var s in Steps)
            {
                w.WriteStartObject();
                w.WriteNumber("path", s.Path);
                w.WriteString("title", s.Title);
                w.WriteString("text", s.Text);
                w.WriteStartArray("commands");
                foreach (var c in s.Commands)
                {
                    w.WriteStartObject();
                    w.WriteString("number", c.Number);
                    w.WriteString("command", c.Command);
                    w.WriteNumber("exitCode", c.ExitCode);
                    w.WriteNumber("expectedExitCode", c.ExpectedExitCode);
                    w.WriteBoolean("ok", c.Ok);
                    if (c.Problem is not null)
                    {
                        w.WriteString("problem", c.Problem);
                    }

                    w.WriteString("stdout", c.Stdout);
                    w.WriteString("stderr", c.Stderr);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteString("closing", s.Closing);
                w.WriteStartArray("captures");
                foreach (var f in s.Captures)
                {
                    w.WriteStringValue(f);
                }

                w.WriteEndArray();
                w.WriteBoolean("ok", s.Ok);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("summary");
            foreach (var (path, name) in paths)
            {
                if (Steps.FirstOrDefault(s => s.Path == path) is { } step)
                {
                    w.WriteStartObject();
                    w.WriteNumber("path", path);
                    w.WriteString("name", name);
                    w.WriteString("outcome", step.Ok ? "ok" : "failed");
                    w.WriteEndObject();
                }
            }

            w.WriteEndArray();
            w.WriteStartArray("notes");
            foreach (var n in notes)
            {
                w.WriteStringValue(n);
            }

            w.WriteEndArray();
            w.WriteBoolean("ok", ok);
            w.WriteEndObject();
        }

        context.Out.Write(Encoding.UTF8.GetString(stream.ToArray()));
        context.Out.WriteLine();
        context.Out.Flush();
    }
}
