// ESLint flat config: typescript-eslint's strict type-checked rules for src/, test/, tools/ and
// bench/, and the layer boundaries of the architecture ("imports point inward": ARCHITECTURE.md's
// layout) as import-x/no-restricted-paths zones, plus @typescript-eslint/no-restricted-imports
// for the packages a layer must not touch. `npm run lint`; .ci/run runs it before the tests.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ROOT = import.meta.dirname;

// ---------------------------------------------------------------------------------------------
// Layer boundaries. Each zone: files under `target` must not import anything under `from`
// (type-only imports included: a layer that needs another's shape defines the interface itself),
// except the paths listed in `except`, which are relative to `from`. Paths are relative to ROOT.
// Imports are resolved (the `.js` specifiers to their `.ts` files) before matching, and an import
// that cannot be resolved is an error (import-x/no-unresolved below), so a zone cannot be
// bypassed by a path the resolver does not understand.
// ---------------------------------------------------------------------------------------------
const LAYERS = ['amqp', 'server', 'broker', 'store', 'auth', 'admin', 'http', 'cli', 'resources', 'metrics', 'stats'];

/** One zone: `layer` may not import any of `forbidden` (each a path under src/). */
function forbid(layer, forbidden, why, except) {
  return forbidden.map((from) => ({
    target: `src/${layer}`,
    from: `src/${from}`,
    ...(except?.[from] ? { except: except[from] } : {}),
    message: `${layer}/ may not import ${from}/: ${why} (architecture: imports point inward).`,
  }));
}

const zones = [
  // The composition root: src/index.ts and src/main.ts wire the layers; no layer imports them.
  {
    target: LAYERS.map((layer) => `src/${layer}`),
    from: ['src/index.ts', 'src/main.ts'],
    message: 'index.ts and main.ts wire the layers together; no layer imports them.',
  },
  // amqp/ is the wire and nothing else.
  {
    target: 'src/amqp',
    from: 'src',
    except: ['./amqp'],
    message: 'amqp/ is the wire and nothing else: it imports nothing from the rest of src/.',
  },
  // broker/ is the domain: typed arguments in, typed errors out. From amqp/ it may use the
  // codec's value types (field tables, properties), the spec's constants and the error classes;
  // never frames, the parser or sockets. Permissions are checked in server/ and admin/, so not
  // auth/ either; the store is handed to it through the persistence interfaces it owns.
  ...forbid('broker', ['amqp'], 'only amqp/errors.ts, amqp/codec/** (value types) and amqp/spec.generated.ts (constants)', {
    amqp: ['./errors.ts', './codec', './spec.generated.ts'],
  }),
  ...forbid('broker', ['server', 'http', 'admin', 'cli'], 'the domain is called by the outer layers, it does not call them'),
  ...forbid('broker', ['store'], 'the domain owns the persistence interfaces and is handed a store by index.ts'),
  ...forbid('broker', ['auth'], 'who may do what is checked in server/ and admin/, not in the domain'),
  // Of stats/ the domain embeds the counter holders only (plain integer fields its hot path increments).
  ...forbid('broker', ['stats'], 'only stats/counters.ts, the counter holders the hot path increments', { stats: ['./counters.ts'] }),
  // store/ implements the broker's persistence interfaces.
  ...forbid('store', ['server', 'http', 'admin', 'cli'], 'the store implements the interfaces broker/ defines'),
  ...forbid('store', ['stats'], 'statistics are sampled by stats/ from the domain objects, not written by the store'),
  // server/ joins the wire to the broker; it reaches the store only through broker interfaces.
  ...forbid('server', ['store', 'http', 'cli'], 'server/ joins the wire to the broker and reaches the store only through broker/ interfaces'),
  // Of admin/ only the interface admin/ defines for seeing connections, which AmqpServer implements
  // (the consumer of an interface owns it; the implementation depends on it, not the other way round).
  ...forbid('server', ['admin'], 'only admin/connection-registry.ts, the interface AmqpServer implements', { admin: ['./connection-registry.ts'] }),
  // auth/ (users, passwords, permissions) is used by server/ and admin/, not the other way round.
  ...forbid('auth', ['server', 'http', 'admin', 'cli', 'stats'], 'auth/ is used by server/ and admin/, it does not use them'),
  // admin/ is the one service HTTP, the CLI and definitions import call; it sees connections and
  // channels through an interface it defines (and the server implements). Of store/ it may use
  // the interface only.
  ...forbid('admin', ['server', 'http', 'cli'], 'admin/ sees connections through an interface it defines, which server/ implements'),
  ...forbid('admin', ['store'], 'admin/ uses the persistence interfaces of broker/persistence.ts, not the store'),
  // http/ formats admin/'s results as RabbitMQ's JSON. The codec's value types (field tables)
  // are allowed because admin/ hands out FieldTable values (x-arguments, policy definitions)
  // and formatting them needs their type tags; frames and the parser are not.
  ...forbid('http', ['amqp'], 'only amqp/codec/** (value types) for formatting field tables', { amqp: ['./codec'] }),
  ...forbid('http', ['broker', 'server', 'store', 'cli', 'stats'], 'routes go through admin/'),
  // resources/ (disk, memory, file descriptors and the alarms they raise) is read by store/,
  // server/ and index.ts; it reaches into none of the outer layers.
  ...forbid('resources', ['server', 'http', 'admin', 'cli', 'stats'], 'node resources are read by the layers, they do not call them'),
  // stats/ (counters, the sampler, the JSON of message_stats) reads the domain's objects (broker/
  // types) and is used by server/ (registering channels and connections), admin/ (rendering) and
  // metrics/ (the Prometheus counters).
  ...forbid('stats', ['server', 'http', 'admin', 'cli', 'store', 'auth', 'resources', 'metrics'], 'stats/ reads broker/ objects; server/, admin/ and metrics/ call it'),
  // metrics/ (the Prometheus endpoint) reads the broker, the node resources and, through the
  // interface admin/ defines, the connections, when scraped; index.ts alone wires it in.
  ...forbid('metrics', ['server', 'http', 'store', 'cli', 'auth'], 'metrics/ reads broker/, resources/ and admin/connection-registry.ts; index.ts wires it'),
  ...forbid('metrics', ['admin'], 'only admin/connection-registry.ts (how connections are seen)', { admin: ['./connection-registry.ts'] }),
  {
    target: LAYERS.filter((layer) => layer !== 'metrics').map((layer) => `src/${layer}`),
    from: 'src/metrics',
    message: 'metrics/ is an outer layer: only index.ts wires it in.',
  },
  // cli/ (warrenctl) is a thin client of the management API.
  {
    target: 'src/cli',
    from: 'src',
    except: ['./cli', './amqp/codec'],
    message: 'cli/ is a thin client of the management API: it imports only its own files (and amqp/codec/ value formatting).',
  },
];

// The dashboard shares nothing with the server but the API: it talks to the broker over HTTP only.
const DASHBOARD_ZONES = [
  {
    target: 'management-ui',
    from: ['src', 'test', 'tools', 'bench'],
    message: 'management-ui/ is a client of the management API: it imports nothing of the server (its API types are management-ui/src/api/types.ts).',
  },
  {
    target: ['src', 'tools', 'bench'],
    from: 'management-ui',
    message: 'the server does not import the dashboard; it serves the built files (src/http/dashboard.ts).',
  },
];

// ---------------------------------------------------------------------------------------------
// Packages: LevelDB belongs to store/, Fastify to http/ (index.ts wires them), and broker/ never
// touches a socket either. ESLint keeps one option set per rule and file, so each group of files
// gets the whole list that applies to it.
// ---------------------------------------------------------------------------------------------
const LEVEL = { names: ['level', 'classic-level', 'abstract-level'], message: 'only store/ uses LevelDB (store/level-store.ts).' };
const FASTIFY = { names: ['fastify', '@fastify'], message: 'only http/ uses Fastify; index.ts wires it.' };
const SOCKETS = {
  names: ['node:net', 'net', 'node:tls', 'tls', 'node:dgram', 'dgram'],
  message: 'broker/ never touches a socket: server/ joins the wire to the broker.',
};

/** Options for @typescript-eslint/no-restricted-imports forbidding each group's packages and their subpaths. */
function packages(...groups) {
  return {
    paths: groups.flatMap(({ names, message }) => names.map((name) => ({ name, message }))),
    patterns: groups.flatMap(({ names, message }) => names.map((name) => ({ group: [`${name}/*`], message }))),
  };
}

const BROKER_PACKAGES = packages(LEVEL, FASTIFY, SOCKETS);
// RabbitMQ's broker logs too: broker/ may use the pino Logger *type* it is handed, not create one.
BROKER_PACKAGES.paths.push({ name: 'pino', allowTypeImports: true, message: 'broker/ uses the pino Logger type it is handed; it does not create loggers.' });

export default defineConfig(
  {
    ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'src/amqp/spec.generated.ts'],
  },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        // The project service reads tsconfig.json (src, test, tools). bench/ is not in it and
        // is linted with the same compiler options through the default project.
        projectService: {
          allowDefaultProject: ['bench/*.ts', 'vitest.config.ts'],
          defaultProject: 'tsconfig.json',
        },
        tsconfigRootDir: ROOT,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: [`${ROOT}/tsconfig.json`, `${ROOT}/management-ui/tsconfig.json`], noWarnOnMultipleProjects: true })],
    },
    rules: {
      // Template literals here build log lines, error texts (`PRECONDITION_FAILED - ... ${count}`)
      // and frame dumps; numbers and bigints (allowNumber covers both) print exactly as wanted,
      // so allowing them is not a loophole. Objects, undefined and null stay errors.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `socket.on('x', () => this.close())` style shorthands are how callbacks read here; the
      // rule still catches a void call used as a value anywhere else.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true }],
      // A leading underscore marks a parameter or binding that an interface or a destructuring
      // requires but this implementation does not use (`route(_routingKey, _args)` in fanout).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Off: `async` without `await` is how this code implements Promise-returning contracts
      // (Store methods in memory-store.ts, Fastify plugins and route handlers), and it is not
      // cosmetic: a throw inside an async function becomes a rejection, which those callers
      // expect. Dropping `async` to please the rule would change behaviour.
      '@typescript-eslint/require-await': 'off',
      // Off until tsconfig has noUncheckedIndexedAccess (143 sites to mend today): without it every
      // index read is typed as present, so the rule calls each `a[i] === undefined` / `m[k] ?? d`
      // guard on a Record or array "unnecessary", and obeying it would remove real checks.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      'import-x/no-unresolved': 'error',
      'import-x/no-duplicates': 'error',
      'import-x/no-default-export': 'error',
      'import-x/no-restricted-paths': ['error', { basePath: ROOT, zones: [...zones, ...DASHBOARD_ZONES] }],
    },
  },
  // The dashboard (management-ui/src, its own tsconfig with the DOM lib) runs in the browser.
  {
    files: ['management-ui/src/**/*.ts', 'management-ui/src/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
  },
  { files: ['src/**/*.ts'], rules: { '@typescript-eslint/no-restricted-imports': ['error', packages(LEVEL, FASTIFY)] } },
  { files: ['src/store/**/*.ts'], rules: { '@typescript-eslint/no-restricted-imports': ['error', packages(FASTIFY)] } },
  { files: ['src/http/**/*.ts', 'src/index.ts'], rules: { '@typescript-eslint/no-restricted-imports': ['error', packages(LEVEL)] } },
  { files: ['src/broker/**/*.ts'], rules: { '@typescript-eslint/no-restricted-imports': ['error', BROKER_PACKAGES] } },
  // Tests (about 160 findings of these rules, all of the same few idioms; src/ keeps them all):
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // `x!.y` and `map.get(k)!` after an expect are the idiom; a wrong guess fails the test.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Tests read JSON observations loosely on purpose (the pika scripts' one JSON line, the
      // management API's bodies, amqplib's `headers: any` with x-death) and check each field
      // they care about with expect, where a wrong field fails the test. Typing every scenario's
      // output would add an interface per script and check nothing more.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Fires on `afterAll(() => broker?.close())` for a `let broker: T` set in beforeAll (the
      // guard is what keeps a failed beforeAll from hiding behind a TypeError), and on flags
      // flipped in callbacks (`while (!stopped)`), which TypeScript's narrowing cannot see.
      '@typescript-eslint/no-unnecessary-condition': 'off',
    },
  },
  // bin/ loads the build output, which exists only after `npm run build`.
  {
    files: ['bin/*.js'],
    rules: { 'import-x/no-unresolved': ['error', { ignore: ['^\\.\\./dist/'] }] },
  },
  // Plain JavaScript (bin/, tools/*.mjs, this file): no type information.
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['eslint.config.js', 'vitest.config.ts', 'management-ui/vite.config.ts'],
    rules: { 'import-x/no-default-export': 'off' }, // the tools want a default export
  },
);
