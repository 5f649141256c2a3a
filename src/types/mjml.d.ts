// The part of mjml's API Baton uses (the package ships no types).
declare module 'mjml' {
  interface MjmlResult {
    html: string;
    errors: Array<{ message: string }>;
  }
  export default function mjml2html(
    source: string,
    options?: { validationLevel?: 'strict' | 'soft' | 'skip'; keepComments?: boolean },
  ): Promise<MjmlResult>;
}
