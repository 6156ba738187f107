using Podnet.Cluster.Api.Defaulting;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.Api.Validation;
using Xunit;

namespace Podnet.Cluster.Tests.Api.Validation;

public class ObjectValidatorTests
{
    private static (KubeObject Obj, IReadOnlyList<FieldError> Errors) Check(string yaml)
    {
        var set = ManifestReader.ReadText(yaml, "f.yaml");
        Assert.Empty(set.Errors);
        var obj = ObjectDefaulter.Default(set.Objects.Single());
        return (obj, ObjectValidator.Validate(obj));
    }

    private static string Kubectl(string yaml)
    {
        var (obj, errs) = Check(yaml);
        Assert.NotEmpty(errs);
        return new InvalidObjectException(obj, errs).KubectlMessage;
    }

    private const string Svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n";

    [Fact]
    public void Port_out_of_range_is_reported_in_kubectls_words()
    {
        Assert.Equal("The Service \"web\" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n",
            Kubectl(Svc + "  - port: 70000\n    targetPort: 8080\n"));
    }

    [Fact]
    public void Several_errors_are_listed_with_stars()
    {
        var text = Kubectl(Svc + "  - port: 70000\n    targetPort: 8080\n    name: a\n  - port: 80\n    name: a\n    protocol: XTP\n");
        Assert.Equal(
            "The Service \"web\" is invalid: \n" +
            "* spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n" +
            "* spec.ports[1].name: Duplicate value: \"a\"\n" +
            "* spec.ports[1].protocol: Unsupported value: \"XTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"\n",
            text);
    }

    [Fact]
    public void Defaulted_target_port_inherits_an_invalid_port_as_upstream()
    {
        var (_, errs) = Check(Svc + "  - port: 70000\n");
        Assert.Equal(
            ["spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive", "spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive"],
            errs.Select(e => e.ToString()));
    }

    [Fact]
    public void Duplicate_port_prints_the_go_struct()
    {
        var (obj, errs) = Check(Svc + "  - port: 80\n    name: a\n  - port: 80\n    name: b\n");
        Assert.Equal("spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}", Assert.Single(errs).ToString());
        Assert.Equal("Service \"web\" is invalid: spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}", new InvalidObjectException(obj, errs).Message);
    }

    [Fact]
    public void Service_names_are_dns_1035_labels()
    {
        var (_, errs) = Check("apiVersion: v1\nkind: Service\nmetadata:\n  name: 1web\nspec:\n  ports:\n  - port: 80\n");
        Assert.Equal("metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')", Assert.Single(errs).ToString());
    }

    [Fact]
    public void Namespace_names_are_dns_1123_labels_with_upstream_message()
    {
        var (_, errs) = Check("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: Shop\n");
        Assert.Contains(errs, e => e.ToString() == "metadata.name: Invalid value: \"Shop\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
    }

    [Fact]
    public void Node_port_outside_the_range_and_cluster_ip_outside_the_cidr()
    {
        var (_, errs) = Check("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  clusterIP: 10.0.0.5\n  ports:\n  - port: 80\n    nodePort: 80\n");
        Assert.Equal(
            [
                "spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767",
                "spec.clusterIPs: Invalid value: []string{\"10.0.0.5\"}: failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/16",
            ],
            errs.Select(e => e.ToString()));
    }

    [Fact]
    public void Network_policy_cidrs_and_ports_are_checked()
    {
        var (_, errs) = Check("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: p
            spec:
              podSelector: {}
              ingress:
              - from:
                - ipBlock:
                    cidr: 10.0.0.0/33
                - ipBlock:
                    cidr: 10.0.0.0/16
                    except: [10.1.0.0/24]
                ports:
                - port: http
                  endPort: 90
              egress:
              - to:
                - {}
            """);
        Assert.Equal(
            [
                "spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is non-numeric",
                "spec.ingress[0].from[0].ipBlock.cidr: Invalid value: \"10.0.0.0/33\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
                "spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: \"10.1.0.0/24\": must be a strict subset of `cidr`",
                "spec.egress[0].to[0]: Required value: must specify a peer",
            ],
            errs.Select(e => e.ToString()));
    }

    [Fact]
    public void Deployment_selector_must_match_template()
    {
        var (_, errs) = Check("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels:\n      app: a\n  template:\n    metadata:\n      labels:\n        app: b\n    spec:\n      containers:\n      - name: c\n        image: nginx\n");
        Assert.Equal("spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"b\"}: `selector` does not match template `labels`", Assert.Single(errs).ToString());
    }

    [Fact]
    public void Pod_requires_containers_and_images()
    {
        var (_, errs) = Check("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    ports:\n    - containerPort: 70000\n      name: Web\n");
        Assert.Equal(
            [
                "spec.containers[0].image: Required value",
                "spec.containers[0].ports[0].name: Invalid value: \"Web\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
            ],
            errs.Select(e => e.ToString()));
    }

    [Fact]
    public void Ingress_path_type_is_required()
    {
        var (_, errs) = Check("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\nspec:\n  rules:\n  - host: shop.example.com\n    http:\n      paths:\n      - path: /\n        backend:\n          service:\n            name: web\n            port:\n              number: 80\n");
        Assert.Equal("spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified", Assert.Single(errs).ToString());
    }

    [Fact]
    public void A_valid_manifest_set_has_no_errors()
    {
        var set = ManifestReader.ReadPath(Path.Combine(TestData.ApiTestsDir(), "Conformance", "netpol", "onlineboutique_workloads", "input"), recursive: true);
        foreach (var o in set.Objects)
        {
            var d = ObjectDefaulter.Default(o);
            Assert.Empty(ObjectValidator.Validate(d));
        }
    }
}
