using System.Text;
using Podnet.Kernel.Stack;

namespace Podnet.Kernel.Tools;

/// <summary><c>sysctl [-w] [-n] KEY[=VALUE]...</c> (procps) against a namespace's <see cref="Sysctls"/>.</summary>
public static class SysctlCommand
{
    public static ToolResult Run(NetNamespace? ns, IReadOnlyList<string> args)
    {
        if (ns == null) return ToolResult.Fail("sysctl: no network namespace");
        bool write = false, valuesOnly = false, quiet = false;
        var output = new StringBuilder();
        var errors = new StringBuilder();
        int code = 0;
        foreach (var a in args)
        {
            if (a.StartsWith('-') && a.Length > 1)
            {
                foreach (var c in a[1..])
                    switch (c)
                    {
                        case 'w': write = true; break;
                        case 'n': valuesOnly = true; break;
                        case 'q': quiet = true; break;
                        default: return ToolResult.Fail($"sysctl: invalid option -- '{c}'");
                    }
                continue;
            }
            int eq = a.IndexOf('=');
            if (eq >= 0)
            {
                var key = a[..eq].Trim();
                var value = a[(eq + 1)..].Trim();
                if (ns.Sysctls.Get(key) == null)
                {
                    errors.Append($"sysctl: cannot stat /proc/sys/{key.Replace('.', '/')}: No such file or directory\n");
                    code = 1;
                    continue;
                }
                if (!ns.Sysctls.Set(key, value))
                {
                    errors.Append($"sysctl: setting key \"{key}\": Invalid argument\n");
                    code = 1;
                    continue;
                }
                if (!quiet) output.Append(valuesOnly ? $"{value}\n" : $"{key} = {value}\n");
            }
            else
            {
                if (write)
                {
                    errors.Append($"sysctl: \"{a}\" must be of the form name=value\n");
                    code = 1;
                    continue;
                }
                var v = ns.Sysctls.Get(a);
                if (v == null)
                {
                    errors.Append($"sysctl: cannot stat /proc/sys/{a.Replace('.', '/')}: No such file or directory\n");
                    code = 1;
                    continue;
                }
                output.Append(valuesOnly ? $"{v}\n" : $"{a} = {v}\n");
            }
        }
        return new ToolResult(code, output.ToString(), errors.ToString());
    }
}
