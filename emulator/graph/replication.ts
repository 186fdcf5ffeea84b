/**
 * Objects that appear late: a new Entra or Intune object is not visible to every reader at once, so
 * an immediate read, write, assign or listing may not find it ("Designing for eventual consistency
 * for Microsoft Entra"). The documents give no duration; the emulator hides each object it creates
 * for `delayMs` (at the emulator's `timeScale`) from every request, lists included, and then shows
 * it. The client sees 404, as it would from a replica that has not caught up.
 */
export function createReplication({ delayMs, timeScale }: { delayMs: number; timeScale: number }) {
    const visibleFrom = new Map<string, number>();
    return {
        /** A new object: hidden until the delay has passed. */
        created(id: string): void {
            if (delayMs > 0) visibleFrom.set(id, Date.now() + delayMs * timeScale);
        },
        visible(id: string): boolean {
            const from = visibleFrom.get(id);
            if (from === undefined) return true;
            if (Date.now() < from) return false;
            visibleFrom.delete(id);
            return true;
        },
    };
}
export type Replication = ReturnType<typeof createReplication>;
