import FoundationEssentials
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OnPremAPI
import ProcessTelemetry
import Testing

@Suite("Service endpoints")
struct ServiceEndpointTests {
    @Test func rootReportsSiteHostVersionAndRequestID() async throws {
        let app = TestApp(site: "cloud")
        try await app.make().test(.router) { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["site"] == "cloud")
            #expect(body["hostname"] == "test-host")
            #expect(body["version"] == "9.9.9+git1a2b3c4")
            let echoed = try #require(response.headers[HTTPField.Name("X-Request-ID")!])
            #expect(body["request_id"] == echoed)
        }
    }

    @Test func saneClientRequestIDIsEchoed() async throws {
        try await TestApp().make().test(.router) { client in
            let response = try await client.execute(uri: "/", method: .get, headers: [HTTPField.Name("X-Request-ID")!: "trace-42.a:b_c"])
            #expect(response.headers[HTTPField.Name("X-Request-ID")!] == "trace-42.a:b_c")
            #expect(try response.json()["request_id"] == "trace-42.a:b_c")
        }
    }

    @Test(arguments: ["has space", "quote\"inside", String(repeating: "x", count: 129), "semi;colon"])
    func insaneClientRequestIDIsReplaced(_ proposed: String) async throws {
        try await TestApp().make().test(.router) { client in
            let response = try await client.execute(uri: "/", method: .get, headers: [HTTPField.Name("X-Request-ID")!: proposed])
            let returned = try #require(response.headers[HTTPField.Name("X-Request-ID")!])
            #expect(returned != proposed)
            #expect(UUID(uuidString: returned) != nil)
        }
    }

    @Test func errorResponsesAlsoCarryTheRequestID() async throws {
        try await TestApp().make().test(.router) { client in
            let response = try await client.execute(uri: "/fail", method: .get, headers: [HTTPField.Name("X-Request-ID")!: "err-1"])
            #expect(response.status == .forbidden)
            #expect(response.headers[HTTPField.Name("X-Request-ID")!] == "err-1")
        }
    }

    @Test func healthIsOKWhileServingAnd503OnceDraining() async throws {
        let app = TestApp()
        try await app.make().test(.router) { client in
            let serving = try await client.execute(uri: "/health", method: .get)
            #expect(serving.status == .ok)
            #expect(try serving.json()["status"] == "ok")

            app.state.beginDraining()

            let draining = try await client.execute(uri: "/health", method: .get)
            #expect(draining.status == .serviceUnavailable)
            #expect(try draining.json()["status"] == "draining")
        }
    }

    @Test func metricsExposeRequestCountsLatencyBucketsAndBuildInfo() async throws {
        try await TestApp().make().test(.router) { client in
            _ = try await client.execute(uri: "/", method: .get)
            _ = try await client.execute(uri: "/", method: .get)
            _ = try await client.execute(uri: "/health", method: .get)
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = response.text
            #expect(text.contains(#"http_requests_total{site="onprem",method="GET",route="/",status="200"} 2"#))
            #expect(text.contains(#"http_requests_total{site="onprem",method="GET",route="/health",status="200"} 1"#))
            #expect(text.contains(#"http_request_duration_seconds_bucket{site="onprem",method="GET",route="/",le="0.2"} 2"#))
            #expect(
                text.contains(
                    #"onprem_api_build_info{site="onprem",version="9.9.9+git1a2b3c4",revision="1a2b3c4",swift_version="\#(BuildInfo.swiftVersion)"} 1"#
                )
            )
            for name in ["process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds", "process_start_time_seconds"] {
                #expect(text.contains("\n\(name) "), "\(name) missing from /metrics")
            }
        }
    }

    @Test func unknownPathsShareOneRouteLabelSoCardinalityStaysBounded() async throws {
        try await TestApp().make().test(.router) { client in
            for path in ["/a", "/b/c", "/random-\(UUID().uuidString)"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .notFound)
            }
            let text = try await client.execute(uri: "/metrics", method: .get).text
            let notFoundSeries = text.split(separator: "\n").filter { $0.hasPrefix("http_requests_total") && $0.contains("status=\"404\"") }
            #expect(notFoundSeries.count == 1)
            #expect(notFoundSeries.first?.hasSuffix(" 3") == true)
            #expect(!text.contains("/random-"))
        }
    }

    @Test func everyRequestWritesOneStructuredJSONLogLine() async throws {
        let app = TestApp(site: "cloud")
        try await app.make().test(.router) { client in
            _ = try await client.execute(uri: "/health", method: .get, headers: [HTTPField.Name("X-Request-ID")!: "log-1"])
            _ = try await client.execute(uri: "/nope", method: .get, headers: [HTTPField.Name("X-Request-ID")!: "log-2"])
        }
        let lines = try app.recorder.requestLogs()
        #expect(lines.count == 2)
        let first = try #require(lines.first)
        #expect(first["site"] == "cloud")
        #expect(first["level"] == "info")
        #expect(first["request_id"] == "log-1")
        #expect(first["http.method"] == "GET")
        #expect(first["http.route"] == "/health")
        #expect(first["http.status"] == "200")
        #expect(first["time"]?.hasSuffix("Z") == true)
        #expect(Double(first["duration_ms"] ?? "") != nil)
        #expect(lines.last?["http.status"] == "404")
        #expect(lines.last?["request_id"] == "log-2")
    }
}
