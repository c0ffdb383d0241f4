import { Type, type TSchema } from 'typebox';

/** An optional field where `null` means "not set", as TGI's clients send it. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));
