// Scaffolds a lib or app: project.json with Nx tags, src/index.ts, and the tsconfig path alias.
// Usage: node tools/new-project.mjs lib libs/contracts @mnc/contracts type:contracts,scope:shared
//        node tools/new-project.mjs app apps/intake intake type:app,scope:intake
import fs from 'node:fs';
import path from 'node:path';

const [kind, root, name, tagList] = process.argv.slice(2);
if (!kind || !root || !name || !tagList) {
  console.error('usage: new-project.mjs lib|app <root> <name> <tag,tag>');
  process.exit(2);
}
const projectName = kind === 'lib' ? name.replace(/^@mnc\//, '') : name;
fs.mkdirSync(path.join(root, 'src'), { recursive: true });
const projectJson = {
  name: projectName,
  $schema: path.relative(root, 'node_modules/nx/schemas/project-schema.json'),
  sourceRoot: `${root}/src`,
  projectType: kind === 'lib' ? 'library' : 'application',
  tags: tagList.split(','),
  targets: {},
};
fs.writeFileSync(path.join(root, 'project.json'), JSON.stringify(projectJson, null, 2) + '\n');
const entry = path.join(root, 'src', kind === 'lib' ? 'index.ts' : 'main.ts');
if (!fs.existsSync(entry)) fs.writeFileSync(entry, '');
if (kind === 'lib') {
  const base = JSON.parse(fs.readFileSync('tsconfig.base.json', 'utf8'));
  base.compilerOptions.paths[name] = [`${root}/src/index.ts`];
  base.compilerOptions.paths = Object.fromEntries(Object.entries(base.compilerOptions.paths).sort());
  fs.writeFileSync('tsconfig.base.json', JSON.stringify(base, null, 2) + '\n');
}
