import OnPremAPI
import ServiceSupport
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    @Test func defaultsAreSafeForProduction() throws {
        let configuration = try OnPremAPIConfiguration(environment: [:])
        #expect(configuration.port == 8080)
        #expect(configuration.site == "onprem")
        #expect(configuration.faultInjectionEnabled == false)
        try configuration.validate()
    }

    @Test func environmentOverridesDefaults() throws {
        let configuration = try OnPremAPIConfiguration(environment: [
            "HOST": "127.0.0.2", "PORT": "9090", "SITE": "cloud", "FAULT_INJECTION": "yes", "FAILURE_RATE": "0.25",
            "SHUTDOWN_DRAIN_SECONDS": "0.5", "SHUTDOWN_TIMEOUT_SECONDS": "3",
        ])
        #expect(configuration.host == "127.0.0.2")
        #expect(configuration.port == 9090)
        #expect(configuration.site == "cloud")
        #expect(configuration.faultInjectionEnabled)
        #expect(configuration.failureRate == 0.25)
        #expect(configuration.shutdownDrain == .milliseconds(500))
        #expect(configuration.shutdownTimeout == .seconds(3))
        try configuration.validate()
    }

    @Test(arguments: [
        ("PORT", "http"), ("FAULT_INJECTION", "maybe"), ("FAILURE_RATE", "half"), ("SHUTDOWN_DRAIN_SECONDS", "nan"),
    ])
    func malformedEnvironmentNamesTheVariable(_ key: String, _ value: String) {
        #expect(throws: ConfigurationError.self) {
            try OnPremAPIConfiguration(environment: [key: value])
        }
        do {
            _ = try OnPremAPIConfiguration(environment: [key: value])
        } catch {
            #expect(error.key == key)
            #expect(error.description.contains(value))
        }
    }

    @Test(arguments: [
        (["PORT": "70000"], "PORT"),
        (["SITE": "on prem"], "SITE"),
        (["FAULT_INJECTION": "true", "FAILURE_RATE": "1.5"], "FAILURE_RATE"),
        (["FAILURE_RATE": "0.1"], "FAILURE_RATE"),
        (["SHUTDOWN_DRAIN_SECONDS": "9", "SHUTDOWN_TIMEOUT_SECONDS": "8"], "SHUTDOWN_DRAIN_SECONDS"),
    ])
    func invalidValuesAreRejectedNamingTheKey(_ environment: [String: String], _ key: String) throws {
        let configuration = try OnPremAPIConfiguration(environment: environment)
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        do {
            try configuration.validate()
        } catch {
            #expect(error.key == key)
        }
    }
}
