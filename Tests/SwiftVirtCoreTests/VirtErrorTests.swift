import SwiftVirtCore
import Testing

/// Messages are made from libvirt's table, as virerror.c makes them; the cause stays out of them.
@Suite struct VirtErrorTests {
    struct Underlying: Error, CustomStringConvertible {
        var description: String { "exit status 1" }
    }

    @Test func theTableGivesThePrefix() {
        #expect(
            VirtError(.operationInvalid, detail: "domain 'x' is not running").message
                == "Requested operation is not valid: domain 'x' is not running")
        #expect(VirtError(.noDomain, detail: "no domain with matching name 'x'").message == "Domain not found: no domain with matching name 'x'")
        #expect(VirtError(.operationInvalid).message == "Requested operation is not valid")
        #expect(VirtError(.noSupport).message == "this function is not supported by the connection driver")
    }

    @Test func someFormsPutTheDetailInside() {
        // "storage volume %s exists already" and libvirt's "%s" forms (RPC, system and XML-detail errors).
        #expect(VirtError(.storageVolumeExists, detail: "'b.raw'").message == "storage volume 'b.raw' exists already")
        #expect(VirtError(.noConnect, detail: "bogus:///").message == "no connection driver available for bogus:///")
        #expect(VirtError(.rpc, domain: .rpc, detail: "unknown procedure: 999").message == "unknown procedure: 999")
        #expect(VirtError(.rpc).message == "RPC error")
    }

    @Test func theCauseIsForTheLogOnly() {
        let error = VirtError(.operationFailed, domain: .storage, detail: "qemu-img create failed", cause: Underlying())
        #expect(error.message == "operation failed: qemu-img create failed")
        #expect(error.description == error.message)
        #expect(error.logDescription == "operation failed: qemu-img create failed (cause: exit status 1)")
        #expect(error == VirtError(.operationFailed, domain: .storage, detail: "qemu-img create failed"))
    }

    @Test func everyCodeHasItsMessages() {
        for code in VirtErrorCode.allCases where code != .ok {
            #expect(!code.bareMessage.isEmpty, "\(code)")
            #expect(!(code.detailForm.before + code.detailForm.after).contains("%"), "\(code)")
        }
        #expect(VirtErrorCode.allCases.count == 111)
        #expect(VirtErrorCode.allCases.last == .multipleDomains)
    }
}
