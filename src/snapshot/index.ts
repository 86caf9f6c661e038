export * from './snapshot.ts';
export * from './compile.ts';
