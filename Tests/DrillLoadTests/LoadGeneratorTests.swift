import DrillLoad
import Testing

@Suite("Load generator")
struct LoadGeneratorTests {
    private func generator(rate: Double, timeoutMilliseconds: Int) -> LoadGenerator {
        LoadGenerator(url: "http://127.0.0.1:1/", rate: rate, duration: .seconds(1), requestTimeout: .milliseconds(timeoutMilliseconds))
    }

    /// A slow server must show up as slow or failed requests, not as requests queued in the client.
    @Test func allowsEveryRequestThatCanBeInFlightItsOwnConnection() {
        #expect(generator(rate: 50, timeoutMilliseconds: 5000).connectionLimit == 251)
        #expect(generator(rate: 50, timeoutMilliseconds: 1500).connectionLimit == 76)
    }

    @Test func staysWithinBoundsForTinyAndHugeLoads() {
        #expect(generator(rate: 1, timeoutMilliseconds: 100).connectionLimit == 8)
        #expect(generator(rate: 500, timeoutMilliseconds: 60000).connectionLimit == 2048)
    }
}
