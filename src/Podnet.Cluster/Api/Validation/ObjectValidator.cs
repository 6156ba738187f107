using Podnet.Cluster.Api.Apps;
using Podnet.Cluster.Api.Batch;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Networking;

namespace Podnet.Cluster.Api.Validation;

/// <summary>
/// Create-time validation as the API server runs it (<c>pkg/apis/core/validation</c>,
/// <c>pkg/apis/apps/validation</c>, <c>pkg/apis/networking/validation</c>), for the fields Podnet
/// uses, with upstream's field paths and messages. Run it on defaulted objects, as the server does.
/// </summary>
public static class ObjectValidator
{
    private static readonly string[] PortProtocols = ["SCTP", "TCP", "UDP"];

    /// <summary>Validates; an empty list means valid.</summary>
    public static IReadOnlyList<FieldError> Validate(KubeObject obj, ValidationContext? context = null)
    {
        context ??= ValidationContext.Default;
        var errs = new List<FieldError>();
        var rt = KindRegistry.For(obj);
        var nameCheck = obj switch
        {
            Service => (Func<string, IReadOnlyList<string>>)NameValidation.Dns1035LabelErrors,
            Namespace => NameValidation.Dns1123LabelErrors,
            _ => NameValidation.Dns1123SubdomainErrors,
        };
        ValidateObjectMeta(obj.Metadata, rt?.Namespaced ?? true, nameCheck, "metadata", errs);
        switch (obj)
        {
            case Pod p:
                ValidatePodSpec(p.Spec, "spec", errs);
                break;
            case Service s:
                ValidateService(s, context, errs);
                break;
            case NetworkPolicy n:
                ValidateNetworkPolicy(n, errs);
                break;
            case Deployment d:
                ValidateReplicas(d.Spec.Replicas, errs);
                ValidateWorkload(d.Spec.Selector, d.Spec.Template, "deployment", errs, requireAlways: true);
                break;
            case ReplicaSet r:
                ValidateReplicas(r.Spec.Replicas, errs);
                ValidateWorkload(r.Spec.Selector, r.Spec.Template, "replicaset", errs, requireAlways: true);
                break;
            case StatefulSet s:
                ValidateReplicas(s.Spec.Replicas, errs);
                if (s.Spec.PodManagementPolicy is { } pmp && pmp is not ("OrderedReady" or "Parallel"))
                {
                    errs.Add(FieldError.Invalid("spec.podManagementPolicy", pmp, "must be 'OrderedReady' or 'Parallel'"));
                }

                ValidateWorkload(s.Spec.Selector, s.Spec.Template, "statefulset", errs, requireAlways: true);
                break;
            case DaemonSet d:
                ValidateWorkload(d.Spec.Selector, d.Spec.Template, "daemonset", errs, requireAlways: true);
                break;
            case Job j:
                ValidateJob(j, errs);
                break;
            case Ingress i:
                ValidateIngress(i, errs);
                break;
            case IngressClass ic:
                ValidateIngressClass(ic, errs);
                break;
            case EndpointSlice es:
                if (es.AddressType is not ("IPv4" or "IPv6" or "FQDN"))
                {
                    errs.Add(es.AddressType.Length == 0
                        ? FieldError.Required("addressType", "")
                        : FieldError.NotSupported("addressType", es.AddressType, ["FQDN", "IPv4", "IPv6"]));
                }

                break;
            case ConfigMap cm:
                foreach (var k in cm.Data.Keys.Concat(cm.BinaryData.Keys).Order(StringComparer.Ordinal))
                {
                    foreach (var m in NameValidation.ConfigMapKeyErrors(k))
                    {
                        errs.Add(FieldError.Invalid("data[" + k + "]", k, m));
                    }
                }

                break;
            case Secret sec:
                foreach (var (k, v) in sec.Data.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    foreach (var m in NameValidation.ConfigMapKeyErrors(k))
                    {
                        errs.Add(FieldError.Invalid("data[" + k + "]", k, m));
                    }

                    if (!IsBase64(v))
                    {
                        errs.Add(FieldError.Invalid("data[" + k + "]", "<secret contents redacted>", "illegal base64 data"));
                    }
                }

                break;
            case Node node:
                foreach (var (cidr, i) in node.Spec.PodCIDRs.Select((c, i) => (c, i)))
                {
                    if (!NetParse.TryParseCidr(cidr, out _, out _))
                    {
                        errs.Add(FieldError.Invalid($"spec.podCIDRs[{i}]", cidr, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
                    }
                }

                break;
        }

        return errs;
    }

    /// <summary>Validates and throws <see cref="InvalidObjectException"/> when invalid.</summary>
    public static void EnsureValid(KubeObject obj, ValidationContext? context = null)
    {
        var errs = Validate(obj, context);
        if (errs.Count > 0)
        {
            throw new InvalidObjectException(obj, errs);
        }
    }

    private static bool IsBase64(string s)
    {
        Span<byte> buffer = new byte[(s.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(s, buffer, out _);
    }

    /// <summary>ValidateObjectMeta: name (per kind), namespace, labels, annotations.</summary>
    public static void ValidateObjectMeta(ObjectMeta meta, bool namespaced, Func<string, IReadOnlyList<string>> nameCheck, string path, List<FieldError> errs)
    {
        if (meta.Name.Length == 0)
        {
            if (string.IsNullOrEmpty(meta.GenerateName))
            {
                errs.Add(FieldError.Required(path + ".name", "name or generateName is required"));
            }
        }
        else
        {
            foreach (var m in nameCheck(meta.Name))
            {
                errs.Add(FieldError.Invalid(path + ".name", meta.Name, m));
            }
        }

        if (namespaced)
        {
            if (meta.Namespace.Length == 0)
            {
                errs.Add(FieldError.Required(path + ".namespace", ""));
            }
            else
            {
                foreach (var m in NameValidation.Dns1123LabelErrors(meta.Namespace))
                {
                    errs.Add(FieldError.Invalid(path + ".namespace", meta.Namespace, m));
                }
            }
        }
        else if (meta.Namespace.Length > 0)
        {
            errs.Add(FieldError.Forbidden(path + ".namespace", "not allowed on this type"));
        }

        ValidateLabels(meta.Labels, path + ".labels", errs);
        if (meta.Annotations.Count == 0)
        {
            return;
        }

        foreach (var k in meta.Annotations.Keys.Order(StringComparer.Ordinal))
        {
            foreach (var m in NameValidation.QualifiedNameErrors(k.ToLowerInvariant()))
            {
                errs.Add(FieldError.Invalid(path + ".annotations", k, m));
            }
        }

        var size = meta.Annotations.Sum(kv => kv.Key.Length + kv.Value.Length);
        if (size > 256 * 1024)
        {
            errs.Add(new FieldError(FieldErrorType.TooLong, path + ".annotations", null, "must have at most 262144 bytes"));
        }
    }

    /// <summary>ValidateLabels: keys are qualified names, values label values (errors on the map's path).</summary>
    public static void ValidateLabels(IReadOnlyDictionary<string, string> labels, string path, List<FieldError> errs)
    {
        var valid = true;
        foreach (var (k, v) in labels)
        {
            if (NameValidation.QualifiedNameErrors(k).Count > 0 || NameValidation.LabelValueErrors(v).Count > 0)
            {
                valid = false;
                break;
            }
        }

        if (valid)
        {
            return; // the common case, without sorting
        }

        foreach (var (k, v) in labels.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            foreach (var m in NameValidation.QualifiedNameErrors(k))
            {
                errs.Add(FieldError.Invalid(path, k, m));
            }

            foreach (var m in NameValidation.LabelValueErrors(v))
            {
                errs.Add(FieldError.Invalid(path, v, m));
            }
        }
    }

    /// <summary>ValidateLabelSelector (metav1 validation).</summary>
    public static void ValidateLabelSelector(LabelSelector? sel, string path, List<FieldError> errs)
    {
        if (sel is null)
        {
            return;
        }

        ValidateLabels(sel.MatchLabels, path + ".matchLabels", errs);
        for (var i = 0; i < sel.MatchExpressions.Count; i++)
        {
            var e = sel.MatchExpressions[i];
            var p = $"{path}.matchExpressions[{i}]";
            switch (e.Operator)
            {
                case "In" or "NotIn":
                    if (e.Values.Count == 0)
                    {
                        errs.Add(FieldError.Required(p + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
                    }

                    break;
                case "Exists" or "DoesNotExist":
                    if (e.Values.Count > 0)
                    {
                        errs.Add(FieldError.Forbidden(p + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                    }

                    break;
                default:
                    errs.Add(FieldError.Invalid(p + ".operator", e.Operator, "not a valid selector operator"));
                    break;
            }

            foreach (var m in NameValidation.QualifiedNameErrors(e.Key))
            {
                errs.Add(FieldError.Invalid(p + ".key", e.Key, m));
            }

            for (var j = 0; j < e.Values.Count; j++)
            {
                foreach (var m in NameValidation.LabelValueErrors(e.Values[j]))
                {
                    errs.Add(FieldError.Invalid($"{p}.values[{j}]", e.Values[j], m));
                }
            }
        }
    }

    private static void ValidateReplicas(int? replicas, List<FieldError> errs)
    {
        if (replicas is < 0)
        {
            errs.Add(FieldError.Invalid("spec.replicas", (long)replicas.Value, "must be greater than or equal to 0"));
        }
    }

    private static void ValidateWorkload(LabelSelector? selector, PodTemplateSpec template, string kindWord, List<FieldError> errs, bool requireAlways)
    {
        if (selector is null)
        {
            errs.Add(FieldError.Required("spec.selector", ""));
        }
        else
        {
            ValidateLabelSelector(selector, "spec.selector", errs);
            if (selector.IsEmpty)
            {
                errs.Add(FieldError.Invalid("spec.selector", new GoLiteral("v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}"), $"empty selector is invalid for {kindWord}"));
            }
            else if (!selector.Matches(template.Metadata.Labels))
            {
                errs.Add(FieldError.Invalid("spec.template.metadata.labels", GoLiteral.Map(template.Metadata.Labels), "`selector` does not match template `labels`"));
            }
        }

        ValidateLabels(template.Metadata.Labels, "spec.template.metadata.labels", errs);
        ValidatePodSpec(template.Spec, "spec.template.spec", errs);
        if (requireAlways && template.Spec.RestartPolicy is { } rp && rp != "Always")
        {
            errs.Add(FieldError.NotSupported("spec.template.spec.restartPolicy", rp, ["Always"]));
        }
    }

    private static void ValidateJob(Job j, List<FieldError> errs)
    {
        var s = j.Spec;
        if (s.Parallelism is < 0) errs.Add(FieldError.Invalid("spec.parallelism", (long)s.Parallelism.Value, "must be greater than or equal to 0"));
        if (s.Completions is < 0) errs.Add(FieldError.Invalid("spec.completions", (long)s.Completions.Value, "must be greater than or equal to 0"));
        if (s.BackoffLimit is < 0) errs.Add(FieldError.Invalid("spec.backoffLimit", (long)s.BackoffLimit.Value, "must be greater than or equal to 0"));
        if (s.Selector is null)
        {
            errs.Add(FieldError.Required("spec.selector", ""));
        }
        else
        {
            ValidateLabelSelector(s.Selector, "spec.selector", errs);
            if (!s.Selector.Matches(s.Template.Metadata.Labels))
            {
                errs.Add(FieldError.Invalid("spec.template.metadata.labels", GoLiteral.Map(s.Template.Metadata.Labels), "`selector` does not match template `labels`"));
            }
        }

        ValidatePodSpec(s.Template.Spec, "spec.template.spec", errs);
        if (s.Template.Spec.RestartPolicy is { } rp && rp is not ("OnFailure" or "Never"))
        {
            errs.Add(FieldError.NotSupported("spec.template.spec.restartPolicy", rp, ["OnFailure", "Never"]));
        }
    }

    /// <summary>ValidatePodSpec for the networking-relevant fields.</summary>
    public static void ValidatePodSpec(PodSpec spec, string path, List<FieldError> errs)
    {
        if (spec.Containers.Count == 0)
        {
            errs.Add(FieldError.Required(path + ".containers", ""));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var portNames = new HashSet<string>(StringComparer.Ordinal);
        ValidateContainers(spec.InitContainers, path + ".initContainers", names, portNames, errs);
        ValidateContainers(spec.Containers, path + ".containers", names, portNames, errs);

        if (spec.RestartPolicy is { } rp && rp is not ("Always" or "OnFailure" or "Never"))
        {
            errs.Add(FieldError.NotSupported(path + ".restartPolicy", rp, ["Always", "OnFailure", "Never"]));
        }

        if (spec.DnsPolicy is { } dp)
        {
            if (dp is not ("ClusterFirstWithHostNet" or "ClusterFirst" or "Default" or "None"))
            {
                errs.Add(FieldError.NotSupported(path + ".dnsPolicy", dp, ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"]));
            }
            else if (dp == "None" && (spec.DnsConfig is null || spec.DnsConfig.Nameservers.Count == 0))
            {
                errs.Add(spec.DnsConfig is null
                    ? FieldError.Required(path + ".dnsConfig", "must provide `dnsConfig` when `dnsPolicy` is None")
                    : FieldError.Required(path + ".dnsConfig.nameservers", "must provide at least one DNS nameserver when `dnsPolicy` is None"));
            }
        }

        if (spec.DnsConfig is { } dc)
        {
            if (dc.Nameservers.Count > 3)
            {
                errs.Add(FieldError.Invalid(path + ".dnsConfig.nameservers", GoLiteral.Strings(dc.Nameservers), "must not have more than 3 nameservers"));
            }

            for (var i = 0; i < dc.Nameservers.Count; i++)
            {
                if (!NetParse.TryParseIP(dc.Nameservers[i], out _))
                {
                    errs.Add(FieldError.Invalid($"{path}.dnsConfig.nameservers[{i}]", dc.Nameservers[i], "must be valid IP address"));
                }
            }

            if (dc.Searches.Count > 32)
            {
                errs.Add(FieldError.Invalid(path + ".dnsConfig.searches", GoLiteral.Strings(dc.Searches), "must not have more than 32 search paths"));
            }

            for (var i = 0; i < dc.Searches.Count; i++)
            {
                var search = dc.Searches[i].TrimEnd('.');
                foreach (var m in NameValidation.Dns1123SubdomainErrors(search))
                {
                    errs.Add(FieldError.Invalid($"{path}.dnsConfig.searches[{i}]", search, m));
                }
            }
        }

        if (!string.IsNullOrEmpty(spec.Hostname))
        {
            foreach (var m in NameValidation.Dns1123LabelErrors(spec.Hostname))
            {
                errs.Add(FieldError.Invalid(path + ".hostname", spec.Hostname, m));
            }
        }

        if (!string.IsNullOrEmpty(spec.Subdomain))
        {
            foreach (var m in NameValidation.Dns1123LabelErrors(spec.Subdomain))
            {
                errs.Add(FieldError.Invalid(path + ".subdomain", spec.Subdomain, m));
            }
        }

        ValidateLabels(spec.NodeSelector, path + ".nodeSelector", errs);
        for (var i = 0; i < spec.Tolerations.Count; i++)
        {
            var t = spec.Tolerations[i];
            var tp = $"{path}.tolerations[{i}]";
            if (t.Operator is { } op && op is not ("Equal" or "Exists" or ""))
            {
                errs.Add(FieldError.NotSupported(tp + ".operator", op, ["Equal", "Exists"]));
            }

            if (t.Operator == "Exists" && !string.IsNullOrEmpty(t.Value))
            {
                errs.Add(FieldError.Invalid(tp + ".operator", t.Value, "value must be empty when `operator` is 'Exists'"));
            }

            if (!string.IsNullOrEmpty(t.Effect) && t.Effect is not ("NoSchedule" or "PreferNoSchedule" or "NoExecute"))
            {
                errs.Add(FieldError.NotSupported(tp + ".effect", t.Effect, ["NoExecute", "NoSchedule", "PreferNoSchedule"]));
            }
        }
    }

    private static void ValidateContainers(IReadOnlyList<Container> containers, string path, HashSet<string> names, HashSet<string> portNames, List<FieldError> errs)
    {
        for (var i = 0; i < containers.Count; i++)
        {
            var c = containers[i];
            var cp = $"{path}[{i}]";
            if (c.Name.Length == 0)
            {
                errs.Add(FieldError.Required(cp + ".name", ""));
            }
            else
            {
                foreach (var m in NameValidation.Dns1123LabelErrors(c.Name))
                {
                    errs.Add(FieldError.Invalid(cp + ".name", c.Name, m));
                }

                if (!names.Add(c.Name))
                {
                    errs.Add(FieldError.Duplicate(cp + ".name", c.Name));
                }
            }

            if (string.IsNullOrWhiteSpace(c.Image))
            {
                errs.Add(FieldError.Required(cp + ".image", ""));
            }

            for (var j = 0; j < c.Ports.Count; j++)
            {
                var p = c.Ports[j];
                var pp = $"{cp}.ports[{j}]";
                if (!string.IsNullOrEmpty(p.Name))
                {
                    foreach (var m in NameValidation.PortNameErrors(p.Name))
                    {
                        errs.Add(FieldError.Invalid(pp + ".name", p.Name, m));
                    }

                    if (!portNames.Add(p.Name))
                    {
                        errs.Add(FieldError.Duplicate(pp + ".name", p.Name));
                    }
                }

                if (p.ContainerPortNumber == 0)
                {
                    errs.Add(FieldError.Required(pp + ".containerPort", ""));
                }
                else if (p.ContainerPortNumber is < 1 or > 65535)
                {
                    errs.Add(FieldError.Invalid(pp + ".containerPort", (long)p.ContainerPortNumber, NameValidation.InclusiveRangeError(1, 65535)));
                }

                if (p.HostPort is { } hp && hp != 0 && hp is < 1 or > 65535)
                {
                    errs.Add(FieldError.Invalid(pp + ".hostPort", (long)hp, NameValidation.InclusiveRangeError(1, 65535)));
                }

                ValidateProtocol(p.Protocol, pp + ".protocol", errs);
            }

            ValidateProbe(c.LivenessProbe, cp + ".livenessProbe", errs);
            ValidateProbe(c.ReadinessProbe, cp + ".readinessProbe", errs);
            ValidateProbe(c.StartupProbe, cp + ".startupProbe", errs);
        }
    }

    private static void ValidateProbe(Probe? probe, string path, List<FieldError> errs)
    {
        if (probe is null)
        {
            return;
        }

        var handlers = (probe.Exec is null ? 0 : 1) + (probe.HttpGet is null ? 0 : 1) + (probe.TcpSocket is null ? 0 : 1) + (probe.Grpc is null ? 0 : 1);
        if (handlers == 0)
        {
            errs.Add(FieldError.Required(path, "must specify a handler type"));
        }
        else if (handlers > 1)
        {
            errs.Add(FieldError.Forbidden(path, "may not specify more than 1 handler type"));
        }

        if (probe.HttpGet is { } h)
        {
            ValidatePortNumOrName(h.Port, path + ".httpGet.port", errs);
            if (h.Scheme is { } sc && sc is not ("HTTP" or "HTTPS"))
            {
                errs.Add(FieldError.NotSupported(path + ".httpGet.scheme", sc, ["HTTP", "HTTPS"]));
            }
        }

        if (probe.TcpSocket is { } t)
        {
            ValidatePortNumOrName(t.Port, path + ".tcpSocket.port", errs);
        }

        if (probe.Exec is { } e && e.Command.Count == 0)
        {
            errs.Add(FieldError.Required(path + ".exec.command", ""));
        }

        foreach (var (v, name) in new[] { (probe.TimeoutSeconds, "timeoutSeconds"), (probe.PeriodSeconds, "periodSeconds"), (probe.SuccessThreshold, "successThreshold"), (probe.FailureThreshold, "failureThreshold"), (probe.InitialDelaySeconds, "initialDelaySeconds") })
        {
            if (v is < 0)
            {
                errs.Add(FieldError.Invalid($"{path}.{name}", (long)v.Value, "must be greater than or equal to 0"));
            }
        }
    }

    /// <summary>ValidatePortNumOrName.</summary>
    public static void ValidatePortNumOrName(IntOrString port, string path, List<FieldError> errs)
    {
        if (port.IsInt)
        {
            if (port.IntValue is < 1 or > 65535)
            {
                errs.Add(FieldError.Invalid(path, (long)port.IntValue, NameValidation.InclusiveRangeError(1, 65535)));
            }
        }
        else
        {
            foreach (var m in NameValidation.PortNameErrors(port.StringValue))
            {
                errs.Add(FieldError.Invalid(path, port.StringValue, m));
            }
        }
    }

    private static void ValidateProtocol(string? protocol, string path, List<FieldError> errs)
    {
        if (string.IsNullOrEmpty(protocol))
        {
            errs.Add(FieldError.Required(path, ""));
        }
        else if (!PortProtocols.Contains(protocol))
        {
            errs.Add(FieldError.NotSupported(path, protocol, PortProtocols));
        }
    }

    private static void ValidateService(Service svc, ValidationContext ctx, List<FieldError> errs)
    {
        var s = svc.Spec;
        var type = s.Type ?? "";
        var headless = s.ClusterIP == "None";
        if (s.Ports.Count == 0 && !headless && type != "ExternalName")
        {
            errs.Add(FieldError.Required("spec.ports", ""));
        }

        switch (type)
        {
            case "LoadBalancer":
                if (headless)
                {
                    errs.Add(FieldError.Invalid("spec.clusterIPs[0]", "None", "may not be set to 'None' for LoadBalancer services"));
                }

                break;
            case "NodePort":
                if (headless)
                {
                    errs.Add(FieldError.Invalid("spec.clusterIPs[0]", "None", "may not be set to 'None' for NodePort services"));
                }

                break;
            case "ExternalName":
                if (!string.IsNullOrEmpty(s.ClusterIP))
                {
                    errs.Add(FieldError.Forbidden("spec.clusterIP", "may not be set for ExternalName services"));
                }

                var en = (s.ExternalName ?? "").TrimEnd('.');
                if (en.Length == 0)
                {
                    errs.Add(FieldError.Required("spec.externalName", ""));
                }
                else
                {
                    foreach (var m in NameValidation.Dns1123SubdomainErrors(en))
                    {
                        errs.Add(FieldError.Invalid("spec.externalName", en, m));
                    }
                }

                break;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < s.Ports.Count; i++)
        {
            var p = s.Ports[i];
            var pp = $"spec.ports[{i}]";
            if (s.Ports.Count > 1 && string.IsNullOrEmpty(p.Name))
            {
                errs.Add(FieldError.Required(pp + ".name", ""));
            }
            else if (!string.IsNullOrEmpty(p.Name))
            {
                foreach (var m in NameValidation.Dns1123LabelErrors(p.Name))
                {
                    errs.Add(FieldError.Invalid(pp + ".name", p.Name, m));
                }

                if (!names.Add(p.Name))
                {
                    errs.Add(FieldError.Duplicate(pp + ".name", p.Name));
                }
            }

            if (p.Port is < 1 or > 65535)
            {
                errs.Add(FieldError.Invalid(pp + ".port", (long)p.Port, NameValidation.InclusiveRangeError(1, 65535)));
            }

            ValidateProtocol(p.Protocol, pp + ".protocol", errs);
            if (p.TargetPort is { } tp)
            {
                ValidatePortNumOrName(tp, pp + ".targetPort", errs);
            }

            if (p.NodePort is { } np && np != 0)
            {
                if (type == "ClusterIP")
                {
                    errs.Add(FieldError.Forbidden(pp + ".nodePort", "may not be used when `type` is 'ClusterIP'"));
                }
                else if (type is "NodePort" or "LoadBalancer" && (np < ctx.NodePortMin || np > ctx.NodePortMax))
                {
                    errs.Add(FieldError.Invalid(pp + ".nodePort", (long)np, $"provided port is not in the valid range. The range of valid ports is {ctx.NodePortMin}-{ctx.NodePortMax}"));
                }
            }

            if (!string.IsNullOrEmpty(p.AppProtocol))
            {
                foreach (var m in NameValidation.QualifiedNameErrors(p.AppProtocol))
                {
                    errs.Add(FieldError.Invalid(pp + ".appProtocol", p.AppProtocol, m));
                }
            }
        }

        ValidateLabels(s.Selector, "spec.selector", errs);
        var affinity = s.SessionAffinity ?? "";
        if (affinity.Length == 0)
        {
            errs.Add(FieldError.Required("spec.sessionAffinity", ""));
        }
        else if (affinity is not ("ClientIP" or "None"))
        {
            errs.Add(FieldError.NotSupported("spec.sessionAffinity", affinity, ["ClientIP", "None"]));
        }

        if (affinity == "ClientIP")
        {
            var timeout = s.SessionAffinityConfig?.ClientIP?.TimeoutSeconds;
            if (s.SessionAffinityConfig is null)
            {
                errs.Add(FieldError.Required("spec.sessionAffinityConfig", "when session affinity type is ClientIP"));
            }
            else if (s.SessionAffinityConfig.ClientIP is null)
            {
                errs.Add(FieldError.Required("spec.sessionAffinityConfig.clientIP", "when session affinity type is ClientIP"));
            }
            else if (timeout is null or <= 0 or > 86400)
            {
                errs.Add(FieldError.Invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", (long)(timeout ?? 0), "must be greater than 0 and less than 86400"));
            }
        }
        else if (affinity == "None" && s.SessionAffinityConfig is not null)
        {
            errs.Add(FieldError.Forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None"));
        }

        // ClusterIPs: syntax here; the range check is the allocator's (failed to allocate IP ...).
        var ips = s.ClusterIPs.Count > 0 ? s.ClusterIPs : (string.IsNullOrEmpty(s.ClusterIP) ? [] : [s.ClusterIP!]);
        if (!string.IsNullOrEmpty(s.ClusterIP) && s.ClusterIPs.Count > 0 && s.ClusterIPs[0] != s.ClusterIP)
        {
            errs.Add(FieldError.Invalid("spec.clusterIPs", GoLiteral.Strings(s.ClusterIPs), "first value must match `clusterIP`"));
        }

        for (var i = 0; i < ips.Count; i++)
        {
            if (ips[i] == "None" && i == 0)
            {
                continue;
            }

            if (!NetParse.TryParseIP(ips[i], out _))
            {
                errs.Add(FieldError.Invalid($"spec.clusterIPs[{i}]", ips[i], "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
            }
        }

        if (type != "ExternalName" && ips.Count > 0 && ips[0] != "None" && NetParse.TryParseIP(ips[0], out var cip) &&
            NetParse.TryParseCidr(ctx.ServiceCidr, out var net, out var prefix) && !NetParse.Contains(net, prefix, cip))
        {
            errs.Add(FieldError.Invalid("spec.clusterIPs", GoLiteral.Strings(ips), $"failed to allocate IP {ips[0]}: the provided IP ({ips[0]}) is not in the valid range. The range of valid IPs is {ctx.ServiceCidr}"));
        }

        for (var i = 0; i < s.ExternalIPs.Count; i++)
        {
            if (!NetParse.TryParseIP(s.ExternalIPs[i], out var eip))
            {
                errs.Add(FieldError.Invalid($"spec.externalIPs[{i}]", s.ExternalIPs[i], "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
            }
            else if (System.Net.IPAddress.IsLoopback(eip) || eip.Equals(System.Net.IPAddress.Any) || eip.IsIPv6LinkLocal || (eip.GetAddressBytes() is [169, 254, _, _]) || eip.IsIPv6Multicast || (eip.GetAddressBytes() is [>= 224 and <= 239, _, _, _]))
            {
                errs.Add(FieldError.Invalid($"spec.externalIPs[{i}]", s.ExternalIPs[i], "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
            }
        }

        if (type.Length == 0)
        {
            errs.Add(FieldError.Required("spec.type", ""));
        }
        else if (type is not ("ClusterIP" or "NodePort" or "LoadBalancer" or "ExternalName"))
        {
            errs.Add(FieldError.NotSupported("spec.type", type, ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]));
        }

        // Duplicate node ports and (protocol, port) pairs.
        var seenNodePorts = new HashSet<(string?, int)>();
        var seenPorts = new HashSet<(string?, int)>();
        for (var i = 0; i < s.Ports.Count; i++)
        {
            var p = s.Ports[i];
            if (p.NodePort is { } np && np != 0 && !seenNodePorts.Add((p.Protocol, np)))
            {
                errs.Add(FieldError.Duplicate($"spec.ports[{i}].nodePort", (long)np));
            }

            if (!seenPorts.Add((p.Protocol, p.Port)))
            {
                errs.Add(FieldError.Duplicate($"spec.ports[{i}]", new GoLiteral(
                    $"core.ServicePort{{Name:\"\", Protocol:\"{p.Protocol}\", AppProtocol:(*string)(nil), Port:{p.Port}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}")));
            }
        }

        if (s.LoadBalancerSourceRanges.Count > 0)
        {
            const string fp = "spec.LoadBalancerSourceRanges";
            if (type != "LoadBalancer")
            {
                errs.Add(FieldError.Forbidden(fp, "may only be used when `type` is 'LoadBalancer'"));
            }

            for (var i = 0; i < s.LoadBalancerSourceRanges.Count; i++)
            {
                var v = s.LoadBalancerSourceRanges[i].Trim();
                if (!NetParse.TryParseCidr(v, out _, out _))
                {
                    errs.Add(FieldError.Invalid($"{fp}[{i}]", v, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
                }
            }
        }

        var externallyAccessible = type is "NodePort" or "LoadBalancer" || (type == "ClusterIP" && s.ExternalIPs.Count > 0);
        if (!externallyAccessible)
        {
            if (!string.IsNullOrEmpty(s.ExternalTrafficPolicy))
            {
                errs.Add(FieldError.Invalid("spec.externalTrafficPolicy", s.ExternalTrafficPolicy, "may only be set for externally-accessible services"));
            }
        }
        else if (string.IsNullOrEmpty(s.ExternalTrafficPolicy))
        {
            errs.Add(FieldError.Required("spec.externalTrafficPolicy", ""));
        }
        else if (s.ExternalTrafficPolicy is not ("Cluster" or "Local"))
        {
            errs.Add(FieldError.NotSupported("spec.externalTrafficPolicy", s.ExternalTrafficPolicy, ["Cluster", "Local"]));
        }

        if (s.HealthCheckNodePort is { } hc && hc != 0 && !(type == "LoadBalancer" && s.ExternalTrafficPolicy == "Local"))
        {
            errs.Add(FieldError.Invalid("spec.healthCheckNodePort", (long)hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
        }

        if (type != "ExternalName")
        {
            if (string.IsNullOrEmpty(s.InternalTrafficPolicy))
            {
                errs.Add(FieldError.Required("spec.internalTrafficPolicy", ""));
            }
            else if (s.InternalTrafficPolicy is not ("Cluster" or "Local"))
            {
                errs.Add(FieldError.NotSupported("spec.internalTrafficPolicy", s.InternalTrafficPolicy, ["Cluster", "Local"]));
            }
        }

        for (var i = 0; i < s.IpFamilies.Count; i++)
        {
            if (s.IpFamilies[i] is not ("IPv4" or "IPv6"))
            {
                errs.Add(FieldError.NotSupported($"spec.ipFamilies[{i}]", s.IpFamilies[i], ["IPv4", "IPv6"]));
            }
        }

        if (s.IpFamilyPolicy is { } fp2 && fp2 is not ("SingleStack" or "PreferDualStack" or "RequireDualStack"))
        {
            errs.Add(FieldError.NotSupported("spec.ipFamilyPolicy", fp2, ["PreferDualStack", "RequireDualStack", "SingleStack"]));
        }
    }

    private static void ValidateNetworkPolicy(NetworkPolicy np, List<FieldError> errs)
    {
        var s = np.Spec;
        ValidateLabelSelector(s.PodSelector, "spec.podSelector", errs);
        for (var i = 0; i < s.Ingress.Count; i++)
        {
            var r = s.Ingress[i];
            for (var j = 0; j < r.Ports.Count; j++)
            {
                ValidatePolicyPort(r.Ports[j], $"spec.ingress[{i}].ports[{j}]", errs);
            }

            for (var j = 0; j < r.From.Count; j++)
            {
                ValidatePeer(r.From[j], $"spec.ingress[{i}].from[{j}]", errs);
            }
        }

        for (var i = 0; i < s.Egress.Count; i++)
        {
            var r = s.Egress[i];
            for (var j = 0; j < r.Ports.Count; j++)
            {
                ValidatePolicyPort(r.Ports[j], $"spec.egress[{i}].ports[{j}]", errs);
            }

            for (var j = 0; j < r.To.Count; j++)
            {
                ValidatePeer(r.To[j], $"spec.egress[{i}].to[{j}]", errs);
            }
        }

        for (var i = 0; i < s.PolicyTypes.Count; i++)
        {
            if (s.PolicyTypes[i] is not ("Ingress" or "Egress"))
            {
                errs.Add(FieldError.NotSupported($"spec.policyTypes[{i}]", s.PolicyTypes[i], ["Ingress", "Egress"]));
            }
        }

        if (s.PolicyTypes.Count > 2)
        {
            errs.Add(FieldError.Invalid("spec.policyTypes", GoLiteral.Strings(s.PolicyTypes), "may not specify more than two policyTypes"));
        }
    }

    private static void ValidatePolicyPort(NetworkPolicyPort port, string path, List<FieldError> errs)
    {
        if (port.Protocol is { } proto && proto is not ("TCP" or "UDP" or "SCTP"))
        {
            errs.Add(FieldError.NotSupported(path + ".protocol", proto, ["TCP", "UDP", "SCTP"]));
        }

        if (port.Port is { } p)
        {
            if (p.IsInt)
            {
                if (p.IntValue is < 1 or > 65535)
                {
                    errs.Add(FieldError.Invalid(path + ".port", (long)p.IntValue, NameValidation.InclusiveRangeError(1, 65535)));
                }

                if (port.EndPort is { } end)
                {
                    if (end < p.IntValue)
                    {
                        errs.Add(FieldError.Invalid(path + ".endPort", (long)p.IntValue, "must be greater than or equal to `port`"));
                    }

                    if (end is < 1 or > 65535)
                    {
                        errs.Add(FieldError.Invalid(path + ".endPort", (long)end, NameValidation.InclusiveRangeError(1, 65535)));
                    }
                }
            }
            else
            {
                if (port.EndPort is { } end)
                {
                    errs.Add(FieldError.Invalid(path + ".endPort", (long)end, "may not be specified when `port` is non-numeric"));
                }

                foreach (var m in NameValidation.PortNameErrors(p.StringValue))
                {
                    errs.Add(FieldError.Invalid(path + ".port", p.StringValue, m));
                }
            }
        }
        else if (port.EndPort is { } end)
        {
            errs.Add(FieldError.Invalid(path + ".endPort", (long)end, "may not be specified when `port` is not specified"));
        }
    }

    private static void ValidatePeer(NetworkPolicyPeer peer, string path, List<FieldError> errs)
    {
        var n = 0;
        if (peer.PodSelector is not null)
        {
            n++;
            ValidateLabelSelector(peer.PodSelector, path + ".podSelector", errs);
        }

        if (peer.NamespaceSelector is not null)
        {
            n++;
            ValidateLabelSelector(peer.NamespaceSelector, path + ".namespaceSelector", errs);
        }

        if (peer.IpBlock is { } b)
        {
            n++;
            ValidateIPBlock(b, path + ".ipBlock", errs);
        }

        if (n == 0)
        {
            errs.Add(FieldError.Required(path, "must specify a peer"));
        }
        else if (n > 1 && peer.IpBlock is not null)
        {
            errs.Add(FieldError.Forbidden(path, "may not specify both ipBlock and another peer"));
        }
    }

    /// <summary>ValidateIPBlock: a valid CIDR, and each except a strict subset of it.</summary>
    public static void ValidateIPBlock(IPBlock b, string path, List<FieldError> errs)
    {
        if (b.Cidr.Length == 0)
        {
            errs.Add(FieldError.Required(path + ".cidr", ""));
            return;
        }

        if (!NetParse.TryParseCidr(b.Cidr, out var net, out var prefix))
        {
            errs.Add(FieldError.Invalid(path + ".cidr", b.Cidr, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
            return;
        }

        for (var i = 0; i < b.Except.Count; i++)
        {
            var ep = $"{path}.except[{i}]";
            if (!NetParse.TryParseCidr(b.Except[i], out var enet, out var eprefix))
            {
                errs.Add(FieldError.Invalid(ep, b.Except[i], "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
                continue;
            }

            if (!NetParse.Contains(net, prefix, enet) || prefix >= eprefix)
            {
                errs.Add(FieldError.Invalid(ep, b.Except[i], "must be a strict subset of `cidr`"));
            }
        }
    }

    private static void ValidateIngress(Ingress ing, List<FieldError> errs)
    {
        var s = ing.Spec;
        if (s.Rules.Count == 0 && s.DefaultBackend is null)
        {
            errs.Add(FieldError.Invalid("spec.rules", new GoLiteral("[]networking.IngressRule(nil)"), "either `defaultBackend` or `rules` must be specified"));
        }

        if (s.DefaultBackend is { } db)
        {
            ValidateBackend(db, "spec.defaultBackend", errs);
        }

        if (!string.IsNullOrEmpty(s.IngressClassName))
        {
            foreach (var m in NameValidation.Dns1123SubdomainErrors(s.IngressClassName))
            {
                errs.Add(FieldError.Invalid("spec.ingressClassName", s.IngressClassName, m));
            }
        }

        for (var i = 0; i < s.Tls.Count; i++)
        {
            for (var j = 0; j < s.Tls[i].Hosts.Count; j++)
            {
                ValidateHost(s.Tls[i].Hosts[j], $"spec.tls[{i}].hosts[{j}]", errs);
            }
        }

        for (var i = 0; i < s.Rules.Count; i++)
        {
            var r = s.Rules[i];
            var rp = $"spec.rules[{i}]";
            if (!string.IsNullOrEmpty(r.Host))
            {
                ValidateHost(r.Host, rp + ".host", errs);
            }

            if (r.Http is null)
            {
                continue;
            }

            if (r.Http.Paths.Count == 0)
            {
                errs.Add(FieldError.Required(rp + ".http.paths", ""));
            }

            for (var j = 0; j < r.Http.Paths.Count; j++)
            {
                var p = r.Http.Paths[j];
                var pp = $"{rp}.http.paths[{j}]";
                if (string.IsNullOrEmpty(p.PathType))
                {
                    errs.Add(FieldError.Required(pp + ".pathType", "pathType must be specified"));
                }
                else if (p.PathType is not ("Exact" or "Prefix" or "ImplementationSpecific"))
                {
                    errs.Add(FieldError.NotSupported(pp + ".pathType", p.PathType, ["Exact", "ImplementationSpecific", "Prefix"]));
                }
                else if (p.PathType is "Exact" or "Prefix")
                {
                    if (string.IsNullOrEmpty(p.Path) || !p.Path.StartsWith('/'))
                    {
                        errs.Add(FieldError.Invalid(pp + ".path", p.Path ?? "", "must be an absolute path"));
                    }
                }
                else if (!string.IsNullOrEmpty(p.Path) && !p.Path.StartsWith('/'))
                {
                    errs.Add(FieldError.Invalid(pp + ".path", p.Path, "must be an absolute path"));
                }

                ValidateBackend(p.Backend, pp + ".backend", errs);
            }
        }
    }

    private static void ValidateHost(string host, string path, List<FieldError> errs)
    {
        if (NetParse.TryParseIP(host, out _))
        {
            errs.Add(FieldError.Invalid(path, host, "must be a DNS name, not an IP address"));
            return;
        }

        var msgs = host.Contains('*') ? NameValidation.WildcardDns1123SubdomainErrors(host) : NameValidation.Dns1123SubdomainErrors(host);
        foreach (var m in msgs)
        {
            errs.Add(FieldError.Invalid(path, host, m));
        }
    }

    private static void ValidateBackend(IngressBackend b, string path, List<FieldError> errs)
    {
        if (b.Service is null)
        {
            if (b.Unmodeled is null || !b.Unmodeled.ContainsKey("resource"))
            {
                errs.Add(FieldError.Invalid(path, new GoLiteral("networking.IngressBackend{Service:(*networking.IngressServiceBackend)(nil), Resource:(*core.TypedLocalObjectReference)(nil)}"), "one backend must be specified"));
            }

            return;
        }

        var svc = b.Service;
        if (svc.Name.Length == 0)
        {
            errs.Add(FieldError.Required(path + ".service.name", ""));
        }
        else
        {
            foreach (var m in NameValidation.Dns1035LabelErrors(svc.Name))
            {
                errs.Add(FieldError.Invalid(path + ".service.name", svc.Name, m));
            }
        }

        var port = svc.Port;
        var hasName = !string.IsNullOrEmpty(port?.Name);
        var hasNumber = port?.Number is { } nn && nn != 0;
        if (hasName && hasNumber)
        {
            errs.Add(FieldError.Invalid(path + ".service.port", port!.Name, "cannot set both port name & port number"));
        }
        else if (hasName)
        {
            foreach (var m in NameValidation.PortNameErrors(port!.Name!))
            {
                errs.Add(FieldError.Invalid(path + ".service.port.name", port.Name, m));
            }
        }
        else if (hasNumber)
        {
            if (port!.Number is < 1 or > 65535)
            {
                errs.Add(FieldError.Invalid(path + ".service.port.number", (long)port.Number!.Value, NameValidation.InclusiveRangeError(1, 65535)));
            }
        }
        else
        {
            errs.Add(FieldError.Required(path + ".service.port", "port name or number is required"));
        }
    }

    private static void ValidateIngressClass(IngressClass ic, List<FieldError> errs)
    {
        var c = ic.Spec.Controller ?? "";
        if (c.Length == 0)
        {
            errs.Add(FieldError.Required("spec.controller", ""));
            return;
        }

        var slash = c.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == c.Length - 1)
        {
            errs.Add(FieldError.Invalid("spec.controller", c, "must be a domain-prefixed path (such as \"acme.io/foo\")"));
            return;
        }

        foreach (var m in NameValidation.Dns1123SubdomainErrors(c[..slash]))
        {
            errs.Add(FieldError.Invalid("spec.controller", c[..slash], m));
        }
    }
}
