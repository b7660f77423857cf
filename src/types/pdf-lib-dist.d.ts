// pdf-lib's own single-file build: the same API as 'pdf-lib' (see loadPdfLib in src/import/pdf-streams.ts).
declare module 'pdf-lib/dist/pdf-lib.min.js' {
  const lib: typeof import('pdf-lib');
  export default lib;
}
