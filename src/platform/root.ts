import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder, the same whether Baton runs from src/ (tsx) or from the compiled dist/. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
