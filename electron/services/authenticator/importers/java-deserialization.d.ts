/** java-deserialization 0.1.0 ships no types: the one function FreeOTP 2's backup reader uses. */
declare module 'java-deserialization' {
  const javaDeserialization: {
    /** Every top-level object of a Java serialization stream; a HashMap's entries are in `.map`. */
    parse(bytes: Uint8Array): unknown[];
  };
  export default javaDeserialization;
}
