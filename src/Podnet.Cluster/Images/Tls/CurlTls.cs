using System.Security.Cryptography.X509Certificates;
using Podnet.Cluster.Images.Tools;

namespace Podnet.Cluster.Images.Tls;

/// <summary>curl's CA bundle selection (<c>--cacert</c>, the system bundle) and its TLS error text.</summary>
public static class CurlTls
{
    /// <summary>
    /// The trust anchors: the PEM file <paramref name="caCert"/> from the process's files, or the system
    /// bundle (the file <see cref="TrustBundle.SystemBundlePath"/> when the container has one, else the
    /// emulated distribution bundle). Null with curl's message when the file is absent or holds no certificate.
    /// </summary>
    public static X509Certificate2Collection? Trust(ToolContext ctx, string? caCert, bool insecure, out string? error)
    {
        error = null;
        if (caCert is null)
        {
            var system = ctx.Process.Files.GetValueOrDefault(TrustBundle.SystemBundlePath) ?? TrustBundle.SystemPem;
            return TrustBundle.Parse(system) ?? [];
        }
        var path = caCert.StartsWith('/') ? caCert : "/" + caCert.TrimStart('.', '/');
        if (ctx.Process.Files.TryGetValue(path, out var pem) && TrustBundle.Parse(pem) is { } c) return c;
        if (insecure) return [];
        error = "error setting certificate file: " + caCert;
        return null;
    }

    /// <summary>What curl prints for a TLS failure: the error line, and for 60 the advice that follows it.</summary>
    public static string ErrorText(int code, string message)
    {
        var text = $"curl: ({code.ToString(System.Globalization.CultureInfo.InvariantCulture)}) {message}\n";
        if (code == 60)
        {
            text += "More details here: https://curl.se/docs/sslcerts.html\n\n" +
                "curl failed to verify the legitimacy of the server and therefore could not\n" +
                "establish a secure connection to it. To learn more about this situation and\n" +
                "how to fix it, please visit the web page mentioned above.\n";
        }
        return text;
    }
}
