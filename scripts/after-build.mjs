// Part of `npm run build`: what the compiled tree needs besides the compiled code — the migrations
// beside it (the migrator looks for ../../prisma/migrations from dist/src/store) and the embedded
// database's pre-initialised base — then the stamp `npm start` compares with the sources.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
fs.rmSync(path.join(dist, 'prisma', 'migrations'), { recursive: true, force: true });
fs.cpSync(path.join(root, 'prisma', 'migrations'), path.join(dist, 'prisma', 'migrations'), { recursive: true });
const { prepareEmbeddedBase } = await import(pathToFileURL(path.join(dist, 'src', 'store', 'embedded-base.js')).href);
await prepareEmbeddedBase();
fs.writeFileSync(path.join(dist, '.build-stamp'), new Date().toISOString() + '\n');
