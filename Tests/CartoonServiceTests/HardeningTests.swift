import Foundation
import Imaging
import NN
import Testing
import TestSupport
@testable import CartoonService

#if canImport(Glibc)
import Glibc
#endif

/// Hostile and unlucky clients. None of them may take the server down, hold a worker, or leave a
/// connection behind: after each, a health check and a real inference answer 200 and every connection the
/// test opened is closed again.
@Suite(.serialized) struct HardeningTests {
    // MARK: Slow clients

    /// Idle sockets and clients trickling a request head a few bytes at a time cost the server descriptors,
    /// not threads: a new client is still served, and the slow ones are still open when it is.
    @Test func idleAndTricklingConnectionsDoNotStopANewClient() throws {
        let count = SlowClients.affordableConnections(wanted: 1000)
        let server = try TestService {
            $0.http.maxConnections = count + 16
            $0.http.headerTimeout = .seconds(120)
            $0.http.idleTimeout = .seconds(120)
        }
        var slow: [RawSocket] = []
        for index in 0..<count {
            let socket = try RawSocket(port: server.port)
            if index % 4 == 0 { socket.send(Array("POST /cartoonify HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8)) }
            slow.append(socket)
            // Connect in batches the server has accepted: a burst past the listen backlog (511) leaves
            // handshakes to SYN-ACK retransmission, which can take longer than the wait below.
            if slow.count % 128 == 0 { _ = eventually(within: .seconds(15)) { server.service.openConnections >= slow.count } }
        }
        #expect(eventually(within: .seconds(15)) { server.service.openConnections == count }, "the server accepted \(server.service.openConnections) of \(count)")

        let photo = try Photos.jpeg()
        for round in 0..<3 {
            for socket in slow.enumerated() where socket.offset % 4 == 0 { socket.element.send([UInt8(ascii: "a") + UInt8(round)]) }
            #expect(try server.send("GET", "/healthz").status == 200)
            let cartoon = try server.send("POST", "/cartoonify?crop=center", headers: [("Content-Type", "image/jpeg")], body: photo)
            #expect(cartoon.status == 200)
            #expect(server.service.openConnections >= count, "slow clients were dropped to serve the new one")
        }
        slow.removeAll()
        try expectHealthy(server)
    }

    // MARK: Oversized bodies and pixel bombs

    @Test func oversizedBodiesAreRefusedWhateverTheirFraming() throws {
        let server = try TestService { $0.http.maxBodyBytes = 64 * 1024 }
        let jpeg = [("Content-Type", "image/jpeg")]

        // Declared too large: refused from the head alone, before any body byte is sent.
        let declared = try RawHTTPClient(port: server.port)
        try declared.send("POST /cartoonify HTTP/1.1\r\nHost: a\r\nContent-Type: image/jpeg\r\nContent-Length: 10000000\r\n\r\n")
        #expect(try declared.readResponse().status == 413)

        // Asking to continue with a body too large: 413 instead of 100 Continue.
        let asking = try RawHTTPClient(port: server.port)
        try asking.send("POST /cartoonify HTTP/1.1\r\nHost: a\r\nContent-Length: 10000000\r\nExpect: 100-continue\r\n\r\n")
        #expect(try asking.readResponse().status == 413)

        // Chunked, growing past the limit chunk by chunk: refused once the limit is crossed.
        let chunked = try RawHTTPClient(port: server.port)
        try chunked.send("POST /cartoonify HTTP/1.1\r\nHost: a\r\nContent-Type: image/jpeg\r\nTransfer-Encoding: chunked\r\n\r\n")
        let chunk = Array("4000\r\n".utf8) + [UInt8](repeating: 0xAB, count: 0x4000) + Array("\r\n".utf8)
        for _ in 0..<5 { try chunked.send(chunk) }
        #expect(try chunked.readResponse().status == 413)

        // Sent in full anyway, over the limit.
        #expect(try server.send("POST", "/cartoonify", headers: jpeg, body: [UInt8](repeating: 0xFF, count: 200_000)).status == 413)
        try expectHealthy(server)
    }

    @Test func pixelBombsAreRefusedFromTheirHeaders() throws {
        let server = try TestService()
        for name in ["bomb.png", "bomb.jpg"] {
            let bytes = try ImagingFixtures.bytes(name)
            let response = try server.send("POST", "/cartoonify", headers: [("Content-Type", "application/octet-stream")], body: bytes)
            #expect(response.status == 422, "\(name)")
            #expect(response.text.contains("pixels"), "\(name): \(response.text)")
        }
        try expectHealthy(server)
    }

    @Test func thePixelLimitIsExact() throws {
        let server = try TestService { $0.decodeLimits = DecodeLimits(maxPixels: 300 * 200, maxEdge: 300) }
        let png = [("Content-Type", "image/png")]
        #expect(try server.send("POST", "/cartoonify?crop=center", headers: png, body: try Photos.png(width: 300, height: 200)).status == 200)
        #expect(try server.send("POST", "/cartoonify?crop=center", headers: png, body: try Photos.png(width: 301, height: 200)).status == 422)
        #expect(try server.send("POST", "/cartoonify?crop=center", headers: png, body: try Photos.png(width: 150, height: 301)).status == 422)
        try expectHealthy(server)
    }

    // MARK: Corrupt input

    @Test func corruptImagesAre422() throws {
        let server = try TestService()
        let jpeg = try Photos.jpeg()
        let png = try Photos.png(width: 40, height: 30)
        let noise = (0..<4096).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }
        let bodies: [(String, [UInt8])] = [
            ("bit-flipped PNG IDAT", try ImagingFixtures.bytes("bitflip_idat.png")),
            ("JPEG cut in half", Array(jpeg.prefix(jpeg.count / 2))),
            ("PNG cut in half", Array(png.prefix(png.count / 2))),
            ("JPEG magic only", [0xFF, 0xD8, 0xFF]),
            ("PNG signature only", Array(png.prefix(8))),
            ("JPEG magic, then noise", [0xFF, 0xD8, 0xFF, 0xE0] + noise),
            ("PNG signature, then noise", Array(png.prefix(8)) + noise),
        ]
        for (what, body) in bodies {
            let response = try server.send("POST", "/cartoonify", headers: [("Content-Type", "application/octet-stream")], body: body)
            #expect(response.status == 422, "\(what): \(response.status) \(response.text)")
            let multipart = try server.send("POST", "/cartoonify", headers: [("Content-Type", "multipart/form-data; boundary=------------------------a1b2c3d4")],
                                            body: Photos.multipart(bytes: body))
            #expect(multipart.status == 422, "\(what) in a multipart body: \(multipart.status) \(multipart.text)")
        }
        // A flipped bit in entropy-coded data decodes to damaged pixels or fails; either is an answer.
        let damaged = try server.send("POST", "/cartoonify", headers: [("Content-Type", "image/jpeg")],
                                      body: try ImagingFixtures.bytes("bitflip_scan.jpg"))
        #expect([200, 422].contains(damaged.status))
        try expectHealthy(server)
    }

    @Test func truncatedMultipartIs400() throws {
        let server = try TestService()
        let boundary = "------------------------a1b2c3d4"
        let whole = Photos.multipart(bytes: try Photos.jpeg(), boundary: boundary)
        let headers = [("Content-Type", "multipart/form-data; boundary=\(boundary)")]
        let cuts: [(String, [UInt8])] = [
            ("no closing boundary", Array(whole.dropLast(boundary.utf8.count + 6))),
            ("cut inside the part", Array(whole.prefix(whole.count / 2))),
            ("cut inside the part headers", Array(whole.prefix(60))),
            ("only the first delimiter", Array("--\(boundary)".utf8)),
        ]
        for (what, body) in cuts {
            let response = try server.send("POST", "/cartoonify", headers: headers, body: body)
            #expect(response.status == 400, "\(what): \(response.status) \(response.text)")
            #expect(response.text.contains("multipart"), "\(what): \(response.text)")
        }
        try expectHealthy(server)
    }

    // MARK: Abrupt disconnects

    /// Clients that vanish while sending: with a FIN or a reset, in the head, a fixed body or a chunk.
    @Test func disconnectsMidUploadLeaveNothingBehind() throws {
        let server = try TestService()
        let jpeg = try Photos.jpeg()
        let head = httpRequest("POST", "/cartoonify", headers: [("Content-Type", "image/jpeg")], body: jpeg)
        let partialHead = Array(head.prefix(30))
        let partialBody = Array(head.prefix(head.count - jpeg.count / 2))
        let partialChunk = Array("POST /cartoonify HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n".utf8) + jpeg.prefix(100)
        for bytes in [partialHead, partialBody, partialChunk] {
            for reset in [false, true] {
                let socket = try RawSocket(port: server.port)
                socket.send(bytes)
                if reset { socket.reset() } else { socket.close() }
            }
        }
        try expectHealthy(server)
    }

    /// A client that stops reading and resets while its (large) cartoon is being written, and one that
    /// leaves before its request has been handled at all.
    @Test func disconnectsMidResponseLeaveNothingBehind() throws {
        let server = try TestService()
        let request = httpRequest("POST", "/cartoonify?crop=center&size=1024", headers: [("Content-Type", "image/jpeg")],
                                  body: try Photos.jpeg())
        let reader = try RawSocket(port: server.port, receiveBuffer: 4096)
        reader.send(request)
        #expect(reader.receive(atMost: 64).starts(with: Array("HTTP/1.1 200".utf8)))
        reader.reset()

        for _ in 0..<4 {
            let leaver = try RawSocket(port: server.port)
            leaver.send(request)
            leaver.reset()
        }
        try expectHealthy(server)
    }

    // MARK: SIGTERM under load

    /// Clients keep posting while the server process is told to stop. Every request that reached the
    /// server is either answered 200 or refused with 503 before work began; once the listener is closed,
    /// connecting fails. Nothing is cut off, and the process exits 0.
    @Test func sigtermUnderLoadLosesNoRequest() throws {
        let weights = FileManager.default.temporaryDirectory.appendingPathComponent("drain-\(UUID()).safetensors")
        let config = GeneratorConfig(architecture: .resnet, ngf: 8, nBlocks: 2, inputSize: 128)
        try SafeTensorsFile(tensors: Generator.randomWeights(config: config, seed: 5), metadata: Generator.metadata(for: config))
            .write(to: weights)
        defer { try? FileManager.default.removeItem(at: weights) }
        let server = try ServerProcessTests.ServerProcess(arguments: [
            "--host", "127.0.0.1", "--port", "0", "--workers", "2", "--queue-depth", "4", "--weights", weights.path,
        ])
        let port = try server.port()
        #expect(eventually(within: .seconds(15)) { (try? RawHTTPClient(port: port).get("/readyz").status) == 200 })

        let request = httpRequest("POST", "/cartoonify?crop=center", headers: [("Content-Type", "image/jpeg"), ("Connection", "close")],
                                  body: try Photos.jpeg())
        let outcomes = DrainOutcomes()
        let clients = DispatchGroup()
        for _ in 0..<12 {
            Thread.detachNewThread { [outcomes] in
                defer { clients.leave() }
                while !outcomes.isFinished {
                    let client: RawHTTPClient
                    do {
                        client = try RawHTTPClient(port: port, timeout: .seconds(60))
                    } catch {
                        return outcomes.record(.refused)  // the listener is closed: nothing was sent
                    }
                    let connectedAt = ContinuousClock.now
                    do {
                        try client.send(request)
                        outcomes.record(.answered(try client.readResponse().status))
                    } catch {
                        // A handshake the kernel completes between the drain's last accept and the
                        // listener's close is reset unread: no server can prevent that race. Such a
                        // connection, opened after SIGTERM and given no byte back, was refused; any
                        // other failure lost a request.
                        let resetUnread = client.unreadBytes.isEmpty && outcomes.isAfterSigterm(connectedAt)
                        outcomes.record(resetUnread ? .refused : .lost("\(error)"))
                    }
                }
            }
            clients.enter()
        }
        #expect(eventually(within: .seconds(60)) { outcomes.answered >= 30 })
        outcomes.markSigterm()
        kill(server.process.processIdentifier, SIGTERM)
        #expect(server.waitForExit() == 0, "\(server.log)")
        outcomes.finish()
        #expect(clients.wait(timeout: .now() + 60) == .success)

        let all = outcomes.all
        #expect(!all.contains { if case .lost = $0 { true } else { false } }, "\(all.filter { if case .lost = $0 { true } else { false } })")
        #expect(all.allSatisfy { if case .answered(let status) = $0 { [200, 503].contains(status) } else { true } })
        #expect(all.contains(.answered(200)))
    }

    // MARK: Helpers

    /// The health check and a real inference answer 200, and every connection is closed again (a
    /// connection the server closed lingers up to two seconds for late client bytes).
    private func expectHealthy(_ server: TestService, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try server.send("GET", "/healthz").status == 200, sourceLocation: sourceLocation)
        let cartoon = try server.send("POST", "/cartoonify?crop=center", headers: [("Content-Type", "image/jpeg")], body: try Photos.jpeg())
        #expect(cartoon.status == 200, sourceLocation: sourceLocation)
        #expect(cartoon.header("Content-Type") == "image/png", sourceLocation: sourceLocation)
        #expect(eventually(within: .seconds(15)) { server.service.openConnections == 0 }, "\(server.service.openConnections) connections still open",
                sourceLocation: sourceLocation)
        // A worker counts itself idle just after it replies.
        #expect(eventually(within: .seconds(15)) { server.service.pool.running == 0 && server.service.pool.waiting == 0 }, sourceLocation: sourceLocation)
    }
}

/// What each client of the SIGTERM test saw, in the order they saw it.
final class DrainOutcomes: @unchecked Sendable {
    enum Outcome: Equatable {
        case answered(Int)
        case refused
        case lost(String)
    }

    private let lock = NSLock()
    private var outcomes: [Outcome] = []
    private var finished = false
    private var sigtermAt: ContinuousClock.Instant?

    func markSigterm() { lock.withLock { sigtermAt = .now } }
    func isAfterSigterm(_ instant: ContinuousClock.Instant) -> Bool {
        lock.withLock { sigtermAt.map { instant >= $0 } ?? false }
    }

    func record(_ outcome: Outcome) { lock.withLock { outcomes.append(outcome) } }
    func finish() { lock.withLock { finished = true } }
    var isFinished: Bool { lock.withLock { finished } }
    var all: [Outcome] { lock.withLock { outcomes } }
    var answered: Int { lock.withLock { outcomes.count { if case .answered = $0 { true } else { false } } } }
}

enum SlowClients {
    /// Each slow client costs two descriptors in this process (the test's end and the server's), so the
    /// count is bounded by the descriptor limit, raised to its hard maximum first.
    static func affordableConnections(wanted: Int) -> Int {
        var limit = rlimit()
        getrlimit(noFile, &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(noFile, &limit)
        getrlimit(noFile, &limit)
        return max(16, min(wanted, (Int(clamping: limit.rlim_cur) - 256) / 2))
    }

    private static let noFile = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
}

enum ImagingFixtures {
    static func bytes(_ name: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ImagingTests/Fixtures/\(name)")
        return Array(try Data(contentsOf: url))
    }
}

/// A client socket that can do what a polite client never does: reset the connection (SO_LINGER 0),
/// or shrink its receive buffer so the server's write of a large response stays unfinished.
final class RawSocket {
    private var fd: Int32

    init(port: Int, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            Glibc.close(fd)
            throw RawHTTPClient.ClientError.connect(code)
        }
    }

    deinit { close() }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count, fd >= 0 {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return }
            offset += sent
        }
    }

    /// Up to `count` bytes, whatever the first read returns (empty on EOF, error or timeout).
    func receive(atMost count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let received = recv(fd, &bytes, count, 0)
        return Array(bytes.prefix(max(0, received)))
    }

    /// Closes with an RST instead of a FIN, as a crashed client or a dropped NAT entry looks to the server.
    func reset() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close()
    }

    func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }
}
