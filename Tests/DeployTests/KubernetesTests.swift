import Foundation
import Testing

/// A rendered kustomization, looked up by kind.
private struct Manifests: Sendable {
    /// Rendered once per run: each render starts kubectl and Python.
    static let base = Result { try Manifests(kustomization: "deploy/kubernetes/base") }

    let documents: [JSON]

    init(kustomization: String) throws {
        documents = try LintScript.documents(["render", Repository.url(kustomization).path])
    }

    func only(_ kind: String) throws -> JSON {
        let matches = documents.filter { $0["kind"]?.string == kind }
        try #require(matches.count == 1, "expected one \(kind), found \(matches.count)")
        return matches[0]
    }

    /// The Deployment's one container, its pod spec and pod labels.
    func server() throws -> (container: JSON, pod: JSON, labels: [String: String]) {
        let template = try #require(try only("Deployment")["spec"]?["template"])
        let pod = try #require(template["spec"])
        let containers = try #require(pod["containers"]?.array)
        try #require(containers.count == 1)
        return (containers[0], pod, try #require(template["metadata"]?["labels"]?.stringMap))
    }
}

private func environment(of container: JSON) -> [String: String] {
    var environment: [String: String] = [:]
    for variable in container["env"]?.array ?? [] {
        if let name = variable["name"]?.string { environment[name] = variable["value"]?.string ?? "" }
    }
    return environment
}

private func isSubset(_ selector: [String: String], of labels: [String: String]) -> Bool {
    !selector.isEmpty && selector.allSatisfy { labels[$0.key] == $0.value }
}

@Suite("Kubernetes base", .enabled(if: LintScript.has("render"), "PyYAML not installed"))
struct KubernetesTests {
    @Test(
        "manifests pass kubernetes-validate --strict",
        .enabled(if: LintScript.has("kubernetes"), "kubernetes-validate not installed (pip install kubernetes-validate)")
    )
    func schemas() throws {
        let result = try LintScript.run(["kubernetes"])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func baseHoldsTheServiceObjects() throws {
        let kinds = try Manifests.base.get().documents.compactMap { $0["kind"]?.string }
        #expect(kinds.sorted() == ["Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service", "ServiceAccount"])
    }

    @Test func probesCheckLivenessAndReadinessOnTheServerPort() throws {
        let (container, _, _) = try Manifests.base.get().server()
        let port = try #require(container["ports"]?.array?.first)
        #expect(port["containerPort"]?.int == ServerSettings.port)
        #expect(environment(of: container)["CARTOONIFY_PORT"] == "\(ServerSettings.port)")
        let expectedPaths = ["startupProbe": "/healthz", "livenessProbe": "/healthz", "readinessProbe": "/readyz"]
        for (probe, path) in expectedPaths {
            let get = try #require(container[probe]?["httpGet"], "\(probe) missing")
            #expect(get["path"]?.string == path, "\(probe)")
            #expect(get["port"] == port["name"], "\(probe) must use the named container port")
        }
    }

    @Test func podRunsAsTheImageUserWithAReadOnlyRoot() throws {
        let (container, pod, _) = try Manifests.base.get().server()
        let podSecurity = try #require(pod["securityContext"])
        #expect(podSecurity["runAsNonRoot"]?.bool == true)
        #expect(podSecurity["runAsUser"]?.int == DockerfileTests.imageUID)
        let security = try #require(container["securityContext"])
        #expect(security["readOnlyRootFilesystem"]?.bool == true)
        #expect(security["allowPrivilegeEscalation"]?.bool == false)
        #expect(security["capabilities"]?["drop"]?.array == [.string("ALL")])
        #expect(pod["automountServiceAccountToken"]?.bool == false)
    }

    /// The kubelet's grace period counts from the start of preStop: preStop plus the drain must fit in it.
    @Test func gracePeriodCoversPreStopAndDrain() throws {
        let (container, pod, _) = try Manifests.base.get().server()
        let grace = try #require(pod["terminationGracePeriodSeconds"]?.int)
        let preStop = try #require(container["lifecycle"]?["preStop"]?["sleep"]?["seconds"]?.int)
        let drain = environment(of: container)["CARTOONIFY_DRAIN_TIMEOUT"].flatMap { Int($0) }
            ?? ServerSettings.defaultDrainTimeoutSeconds
        #expect(preStop > 0)
        #expect(preStop + drain < grace, "preStop \(preStop) s + drain \(drain) s must be under \(grace) s")
    }

    @Test func resourcesAreRequestedAndLimitedAndWorkersFitTheLimit() throws {
        let (container, _, _) = try Manifests.base.get().server()
        let resources = try #require(container["resources"])
        for bound in ["requests", "limits"] {
            #expect(resources[bound]?["cpu"]?.string != nil, "\(bound).cpu")
            #expect(resources[bound]?["memory"]?.string != nil, "\(bound).memory")
        }
        let cpuLimit = try #require(resources["limits"]?["cpu"]?.string.flatMap { Int($0) }, "whole-CPU limit")
        let workers = try #require(environment(of: container)["CARTOONIFY_WORKERS"].flatMap { Int($0) })
        #expect(workers <= cpuLimit, "more workers than CPUs only adds contention")
    }

    @Test func setsOnlySettingsTheServerReads() throws {
        let (container, _, _) = try Manifests.base.get().server()
        let names = Set(environment(of: container).keys)
        #expect(names.subtracting(ServerSettings.environmentNames).isEmpty, "\(names.sorted())")
    }

    @Test func serviceAutoscalerAndBudgetSelectTheDeployment() throws {
        let manifests = try Manifests.base.get()
        let (container, _, labels) = try manifests.server()
        let deployment = try manifests.only("Deployment")
        let deploymentName = try #require(deployment["metadata"]?["name"]?.string)
        #expect(isSubset(try #require(deployment["spec"]?["selector"]?["matchLabels"]?.stringMap), of: labels))

        let service = try manifests.only("Service")
        #expect(isSubset(try #require(service["spec"]?["selector"]?.stringMap), of: labels))
        let servicePort = try #require(service["spec"]?["ports"]?.array?.first)
        #expect(servicePort["targetPort"] == container["ports"]?.array?.first?["name"])

        let autoscaler = try manifests.only("HorizontalPodAutoscaler")
        let target = try #require(autoscaler["spec"]?["scaleTargetRef"])
        #expect(target["kind"]?.string == "Deployment" && target["name"]?.string == deploymentName)
        let metric = try #require(autoscaler["spec"]?["metrics"]?.array?.first)
        #expect(metric["resource"]?["name"]?.string == "cpu")
        let minReplicas = try #require(autoscaler["spec"]?["minReplicas"]?.int)
        #expect(minReplicas >= 2, "one replica cannot survive a rollout or a node drain")

        let budget = try manifests.only("PodDisruptionBudget")
        #expect(isSubset(try #require(budget["spec"]?["selector"]?["matchLabels"]?.stringMap), of: labels))
        // A budget that allows no disruption at the minimum replica count blocks node drains for good.
        #expect((budget["spec"]?["maxUnavailable"]?.int ?? 0) >= 1)
    }

    @Test(
        "custom-weights overlay mounts the weights read-only where CARTOONIFY_WEIGHTS points",
        .enabled(if: LintScript.has("kustomize"), "needs kustomize or kubectl to render the overlay")
    )
    func customWeightsOverlay() throws {
        let (container, pod, _) = try Manifests(kustomization: "deploy/kubernetes/overlays/custom-weights").server()
        let weights = try #require(environment(of: container)["CARTOONIFY_WEIGHTS"])
        let mounts = container["volumeMounts"]?.array ?? []
        let mount = try #require(mounts.first { weights.hasPrefix(($0["mountPath"]?.string ?? "") + "/") })
        #expect(mount["readOnly"]?.bool == true)
        let volume = try #require(pod["volumes"]?.array?.first { $0["name"] == mount["name"] })
        #expect(volume["persistentVolumeClaim"]?["readOnly"]?.bool == true)
        #expect(container["env"]?.array?.filter { $0["name"]?.string == "CARTOONIFY_WEIGHTS" }.count == 1)
    }
}
