import Foundation
import RuntimeSpec
import ServiceSupport
import Testing

@testable import DockerEngine

/// Docker's short syntaxes and the small formats the archive and registry calls need.
@Suite("Docker's short syntax, archives and references")
struct ShortSyntaxTests {
    @Test(arguments: [
        ("/srv/uploads:/data:ro", VolumeMount.Kind.bind, "/srv/uploads", "/data", true),
        ("cache:/var/cache", .volume, "cache", "/var/cache", false),
        ("/a:/b:rw", .bind, "/a", "/b", false),
    ])
    func volumesRead(_ text: String, _ kind: VolumeMount.Kind, _ source: String, _ target: String, _ readOnly: Bool) throws {
        let mount = try VolumeMount(parsing: text)
        #expect(mount.kind == kind && mount.source == source && mount.target == target && mount.readOnly == readOnly)
    }

    @Test(arguments: [
        ("8080:80", "", 8080, 80, "tcp"),
        ("127.0.0.1:8443:443", "127.0.0.1", 8443, 443, "tcp"),
        ("[::1]:53:53/udp", "::1", 53, 53, "udp"),
    ])
    func portsRead(_ text: String, _ address: String, _ host: Int, _ container: Int, _ transport: String) throws {
        let port = try PortPublication(parsing: text)
        #expect(port.hostAddress == address && port.hostPort == host && port.containerPort == container && port.transport == transport)
    }

    @Test(arguments: [("512m", 536_870_912), ("2g", 2_147_483_648), ("64k", 65536), ("1000", 1000), ("1.5G", 1_610_612_736)])
    func sizesRead(_ text: String, _ bytes: Int) {
        #expect(ByteCount(parsing: text)?.bytes == bytes)
        #expect(ByteCount(parsing: ByteCount(bytes).description)?.bytes == bytes, "it prints as it reads")
    }

    @Test(arguments: ["", "-1m", "lots", "1t"])
    func nonSizesDoNotRead(_ text: String) {
        #expect(ByteCount(parsing: text) == nil)
    }

    @Test(arguments: [
        ("onprem-api:latest", nil, "onprem-api", "latest", nil),
        ("123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:1.4", "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "orders", "1.4", nil),
        (
            "localhost:5000/team/app@sha256:" + String(repeating: "0", count: 64), "localhost:5000", "team/app", nil,
            "sha256:" + String(repeating: "0", count: 64)
        ),
        ("library/busybox", nil, "library/busybox", nil, nil),
    ])
    func referencesRead(_ text: String, _ registry: String?, _ path: String, _ tag: String?, _ digest: String?) throws {
        let reference = try #require(ImageReference(parsing: text))
        #expect(reference.registry == registry && reference.path == path && reference.tag == tag && reference.digest == digest)
        #expect(reference.description == text)
        #expect(reference.pullTag == digest ?? tag ?? "latest", "never every tag")
    }

    @Test(arguments: ["Upper/Case:1", "app@sha256:short", "app:", ":tag", "a//b"])
    func nonReferencesDoNotRead(_ text: String) {
        #expect(ImageReference(parsing: text) == nil)
    }

    static let passwd = "root:x:0:0:root:/root:/bin/sh\napp:x:10001:10002:app:/www:/bin/sh\n"
    static let group = "root:x:0:\napp:x:10002:\nweb:x:33:\n"

    @Test(arguments: [
        ("", 0, 0), ("app", 10001, 10002), ("10001", 10001, 10002), ("4242", 4242, 0), ("app:web", 10001, 33), ("1:2", 1, 2), ("app:7", 10001, 7),
    ])
    func usersResolveAsRuncDoes(_ user: String, _ uid: Int, _ gid: Int) throws {
        #expect(try ContainerUser.resolve(user, passwd: Self.passwd, group: Self.group) == ContainerUser(uid: uid, gid: gid))
    }

    @Test func anUnknownUserOrGroupIsRefusedNamingIt() {
        #expect(throws: ContainerSpecError("user", "user 'nobody' is not in the image's /etc/passwd; give it as a number")) {
            try ContainerUser.resolve("nobody", passwd: Self.passwd, group: Self.group)
        }
        #expect(throws: ContainerSpecError.self) { try ContainerUser.resolve("app:staff", passwd: Self.passwd, group: Self.group) }
        #expect(!ContainerUser.needsImageFiles("1:2") && ContainerUser.needsImageFiles("1") && ContainerUser.needsImageFiles("app"))
    }

    @Test func anArchiveKeepsEachEntrysOwnerModeAndBytes() {
        let owner = ContainerUser(uid: 10001, gid: 10002)
        let archive = TarArchive.write([
            .directory("run/secrets", mode: 0o500, owner: owner), .file("run/secrets/db", mode: 0o400, owner: owner, contents: Array("hunter2".utf8)),
        ])
        #expect(archive.count % 512 == 0)
        #expect(TarArchive.file(named: "db", in: archive) == Array("hunter2".utf8))
        let header = archive[512..<1024]
        #expect(String(decoding: header.dropFirst(100).prefix(7), as: UTF8.self) == "0000400")
        #expect(String(decoding: header.dropFirst(108).prefix(7), as: UTF8.self) == "0023421", "uid 10001 in octal")
        #expect(String(decoding: header.dropFirst(116).prefix(7), as: UTF8.self) == "0023422", "gid 10002 in octal")
        #expect(TarArchive.file(named: "missing", in: archive) == nil)
    }

    @Test func registryCredentialsTravelAsURLSafeBase64JSON() throws {
        let header = RegistryCredentials(username: "AWS", password: "p+/=?\"x").header(for: "localhost:5000")
        #expect(!header.contains("+") && !header.contains("/"))
        let standard = header.replacing("-", with: "+").replacing("_", with: "/")
        let json = try #require(Data(base64Encoded: standard).map { String(decoding: $0, as: UTF8.self) })
        #expect(json.contains(#""username":"AWS""#) && json.contains(#""serveraddress":"localhost:5000""#))
        #expect(json.contains(#""password":"p+\/=?\"x""#) || json.contains(#""password":"p+/=?\"x""#))
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func sha256MatchesTheStandardsVectors(_ message: String, _ digest: String) {
        #expect(SHA256.hex(Array(message.utf8)) == digest)
    }

    @Test func sha256OfAMillionAsMatchesTheStandard() {
        #expect(
            SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        )
    }
}
