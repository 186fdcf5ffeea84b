/**
 * A value that a mocha hook makes later, usable now: a suite writes `const tenant =
 * useEmulatedTenant()` beside its tests and the tests read `tenant.settings()` once the hook has
 * run. Reading it when no hook has set it (outside a test, after teardown) throws, naming the value.
 */
export interface LazyHandle<T extends object> {
    /** Stands for the current value: property reads, writes and method calls go to it. */
    handle: T;
    set(value: T | undefined): void;
    current(): T | undefined;
}

export function lazyHandle<T extends object>(what: string): LazyHandle<T> {
    let value: T | undefined;
    const current = (): T => {
        if (value === undefined)
            throw new Error(
                `${what} is not set up here: use it inside the tests and hooks of the suite that set it up`,
            );
        return value;
    };
    const handle = new Proxy({} as T, {
        get(_target, key) {
            const target = current();
            const member: unknown = Reflect.get(target, key, target);
            return typeof member === "function" ? member.bind(target) : member;
        },
        set: (_target, key, newValue) => Reflect.set(current(), key, newValue),
        has: (_target, key) => Reflect.has(current(), key),
    });
    return {
        handle,
        set: (next) => {
            value = next;
        },
        current: () => value,
    };
}
