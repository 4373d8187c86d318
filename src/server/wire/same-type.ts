/**
 * Compile-time proofs that a zod schema describes exactly a TypeScript type the code answers or
 * reads: `export type X = Proof<Same<z.output<typeof S>, View>>` fails to compile when a field is
 * added, removed or retyped on one side only. Types only: nothing of this exists at run time, so
 * a route module that types its answer with a schema's type loads neither the schema nor zod.
 */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Accepts only `true`: a Same<…> that is false is a compile error naming the alias. */
export type Proof<T extends true> = T;
