import assert from "node:assert/strict";
import { createFaultInjector } from "../../emulator/faults";

describe("the emulator's fault injector", () => {
    /** Which of `requests` (method and path) get a fault, in order. */
    function faulted(share: number, requests: string[]): boolean[] {
        const faults = createFaultInjector();
        faults.set([{ kind: "status", status: 503, share }]);
        return requests.map((r) => faults.pick("GET", r) !== undefined);
    }

    it("fails every 1/share-th request", () => {
        assert.deepEqual(faulted(0.5, ["/a", "/b", "/c", "/d"]), [false, true, false, true]);
        assert.equal(
            faulted(
                0.3,
                Array.from({ length: 10 }, (_, i) => `/r${i}`),
            ).filter(Boolean).length,
            3,
        );
    });

    it("gives a retry no more faults in a row than it would meet alone, however other requests interleave", () => {
        // Request /a is retried after each fault while /b, /c, ... arrive in between and take the passing turns.
        // Counting alone, /a would meet every fault.
        const requests = ["/x", "/a", "/b", "/a", "/c", "/a", "/d", "/a", "/e", "/a", "/f", "/a"];
        assert.deepEqual(
            faulted(0.5, requests).map((fault, i) => (fault ? requests[i] : "-")),
            ["-", "/a", "-", "-", "/c", "-", "/d", "-", "/e", "-", "/f", "-"],
            "/a passes its second turn in a row on to /c, and half the other requests still fail",
        );
    });

    it("fails a request again and again when every request is to fail", () => {
        assert.deepEqual(faulted(1, ["/a", "/a", "/a"]), [true, true, true]);
    });
});
