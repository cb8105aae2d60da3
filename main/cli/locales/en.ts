/** The CLI's messages in English (the reference: zh-CN.ts has the same keys and placeholders). */
export const cliEn = {
  usage: {
    title: 'Usage:',
    more: 'Run `glimmer <command> --help` for its options.',
    unknown: 'glimmer: unknown command "{{name}}".',
    failed: 'glimmer {{name}}: {{message}}',
    commands: {
      serve: 'serve the studio and its API (and an OpenAI-style images API) for a browser or other studios',
      info: 'print what onnxruntime-node offers on this machine',
      generate: 'make an image from a prompt (and reference images) with a model, or on a server',
      'check-text': 'read the quoted text of a prompt back from an image (found / score per string)',
      compile: 'compile a GLM-Image checkpoint into ONNX graphs the engine runs',
      models: 'list, find, validate, import, download and remove GLM-Image models',
      library: 'rebuild a damaged library from its images',
      servers: 'the servers jobs may run on: add, list, test, remove',
    },
  },
  args: {
    seeHelp: '{{message}} (see `glimmer {{command}} --help`)',
    wholeNumber: '--{{name}} must be a whole number from {{min}} to {{max}} (got "{{value}}").',
  },
  info: {
    usage: 'Usage: glimmer info [--json]',
    version: 'onnxruntime-node {{version}}',
    chosen: 'chosen: {{provider}} — {{reason}}',
    adapter: 'on {{adapter}}',
  },
  serve: {
    help: `Usage: glimmer serve [--port N] [--host 127.0.0.1] [--token-file FILE] [--allow-remote] [--tls-cert FILE --tls-key FILE]

Serves the studio and its API over HTTP + WebSocket, and an OpenAI-compatible images API
(POST /v1/images/generations, POST /v1/images/edits, GET /v1/models; b64_json answers). Prints the
URL to open (with its access token) on a line of its own. Every request needs the token: the cookie
the URL sets, or "Authorization: Bearer <token>" for API clients and other studios.

  --port N          the port (default: any free one)
  --host ADDR       the address to listen on (default 127.0.0.1: this machine only)
  --allow-remote    needed with a --host that is not loopback: other machines can then send jobs
  --tls-cert FILE   HTTPS with this certificate (PEM; with --tls-key)
  --tls-key FILE    the certificate's private key (PEM)
  --token-file FILE read the access token from the first line of FILE (default: GLIMMER_SERVE_TOKEN,
                    else a new random token each start). At least 16 characters of A-Z a-z 0-9 . _ ~ -`,
    badHost: '--host "{{host}}" is not a host name or address.',
    tokenFileUnreadable: '--token-file {{file}} cannot be read ({{code}}).',
    readError: 'error',
    badToken: 'The access token from {{from}} must be 16 to 256 characters of A-Z a-z 0-9 . _ ~ -.',
    notPem: 'not a PEM file',
    pemUnreadable: '{{option}} {{file}} cannot be read ({{reason}}).',
    tlsPair: '--tls-cert and --tls-key go together: give both files, or neither.',
    needAllowRemote: '--host {{host}} lets other machines reach this studio: add --allow-remote to mean it (and --tls-cert/--tls-key for HTTPS).',
    notLoopback: 'glimmer serve: warning: listening on {{host}}, not loopback: anyone who can reach this machine and has the token can run jobs and read the library.',
    noTls: 'glimmer serve: warning: without --tls-cert/--tls-key the token and the images travel unencrypted; use HTTPS beyond a trusted network.',
    portTaken: 'Port {{port}} is taken; choose another with --port.',
    tlsUnusable: 'The TLS certificate or key cannot be used ({{message}}).',
    serving: 'Glimmer Studio is serving at {{url}}',
    openThis: 'Open this URL (it carries the access token):',
  },
  generate: {
    help: `Usage: glimmer generate --model MODEL --prompt TEXT --out FILE.png [options]
       glimmer generate --engine URL --prompt TEXT --out FILE.png [options]

  --model MODEL        a name or id from \`glimmer models list\`, a compiled model folder, or a GLM-Image
                       checkpoint folder (compiled on the fly into a cache)
  --engine URL         run the job on a server instead: vLLM-Omni or SGLang-Diffusion serving GLM-Image, or
                       another Glimmer Studio's \`glimmer serve\`; its key comes from GLIMMER_ENGINE_KEY
  --engine-kind K      openai | glimmer (default: asked of the server)
  --engine-ca FILE     a CA certificate (PEM) to trust for an HTTPS server with its own certificate
  --prompt TEXT        what to make ('quoted text' is drawn as glyphs)
  --size WxH           output size: {{min}} to {{max}} per side, multiples of {{step}} (default 1024x1024)
  --steps N            denoising steps (default 50)
  --guidance G         classifier-free guidance (default 1.5)
  --seed N             seed of the AR sampling and the initial noise (default: random, printed)
  --temperature T      AR sampling temperature (default 0.9, GLM-Image's)
  --top-p P            AR nucleus sampling (default 0.75, GLM-Image's)
  --count N            images to make (seed, seed+1, ...; files FILE-1.png, FILE-2.png, ...)
  --best-of N          best of N by text: N candidates (AR seeds seed, seed+1, ...; the noise of seed), the
                       quoted text read back from each (printed), files FILE-1.png ... and the best named
  --image FILE         reference image (repeat for several); makes it image-to-image
  --mode M             edit (default with --image) | style (--image CONTENT --image STYLE, up to 3 STYLE) | identity
  --mask FILE          edit only: white = change, black = keep
  --provider P         auto (default) | cuda | dml | coreml | webgpu | cpu
  --profile P          resident | sequential (default sequential: one stage in memory at a time)
  --precision P        for a checkpoint: {{precisions}} (default fp32)
  --tier T             a memory tier: {{tiers}} (its preset, compute precision, memory
                       profile and VAE tiling; --profile and --precision are then not used)
  --stats              after each image: milliseconds per pipeline step, and the bytes each module
                       sent to and read from onnxruntime (host <-> device on a GPU provider)

There is no negative prompt: GLM-Image's unconditional pass does not read one.`,
    needPrompt: '--prompt TEXT is required.',
    badSize: '--size must look like 1024x768 (width x height), not "{{value}}".',
    badNumber: '--{{name}} must be a number, not "{{value}}".',
    imageMissing: '{{what}} {{file}} does not exist.',
    imageUnreadable: '{{what}} {{file}} cannot be read ({{message}}).',
    maskNeedsEdit: '--mask works with --mode edit only.',
    imageNeedsMode: '--image needs --mode edit, style or identity.',
    editImages: '--mode edit needs one to four --image files (the first is the one edited).',
    styleImages: '--mode style needs two to four --image files: the content image, then one to three style images.',
    styleN: '--image (style {{n}})',
    identityImages: '--mode identity needs exactly one --image (the subject).',
    badMode: '--mode must be edit, style or identity, not "{{mode}}".',
    imageN: '--image {{n}}',
    maskWhat: '--mask',
    contentWhat: '--image (content)',
    styleWhat: '--image (style)',
    subjectWhat: '--image (subject)',
    invalid: '{{option}}: {{message}}.',
    needModel: '--model is required (a name or id from `glimmer models list`, a compiled model folder or a GLM-Image checkpoint).',
    needOut: '--out FILE.png is required.',
    outNotPng: '--out must name a .png file, not "{{value}}".',
    outDirMissing: 'The folder of --out ({{dir}}) does not exist.',
    badProvider: '--provider must be auto, {{list}}; not "{{value}}".',
    badProfile: '--profile must be resident or sequential, not "{{value}}".',
    badPrecision: '--precision must be {{list}}; not "{{value}}".',
    badTier: '--tier must be {{list}}; not "{{value}}".',
    modelWithEngine: "--model and --engine do not go together: the model is the server's.",
    provider: 'provider: {{provider}} — {{reason}}',
    wrote: '{{file}}  (seed {{seed}}, {{width}}x{{height}}, {{steps}} steps, model {{model}})',
    wroteCandidate: '{{file}}  (AR seed {{arSeed}}, noise seed {{noiseSeed}}, {{width}}x{{height}}, {{steps}} steps, model {{model}})',
    bestOf: 'best of {{count}} by text: {{file}}  (score {{score}}, {{found}}/{{total}} found)',
    ranking: 'ranking: {{order}}',
    bestOfWithCount: '--best-of N makes N candidates: leave out --count.',
    done_one: 'done: {{count}} image in {{seconds}} s',
    done_other: 'done: {{count}} images in {{seconds}} s',
    badEngineKey: 'GLIMMER_ENGINE_KEY must be printable characters without spaces.',
    noCertificate: 'no certificate in it',
    caUnusable: '{{option}} {{file}} cannot be used ({{reason}}).',
    badEngine: '--engine {{message}}.',
    badEngineKind: '--engine-kind must be openai or glimmer, not "{{value}}".',
    engine: 'engine: {{host}} ({{kind}})',
    wroteRemote: '{{file}}  (seed {{seed}}, {{width}}x{{height}}, {{steps}} steps, model {{model}} on {{host}}{{notTaken}})',
    notTaken: '; it could not take: {{limits}}',
  },
  checkText: {
    help: `Usage: glimmer check-text --image FILE [--prompt TEXT | --text S ...] [--json] [--provider P]

  --image FILE     the image to read (PNG, JPEG or WebP)
  --prompt TEXT    the prompt: its quoted strings ("like this", 'this', “this”, 「this」) are looked for
  --text S         a string to look for (repeat for several); instead of --prompt
                   (neither: the prompt of the recipe in the PNG, when it has one)
  --json           print the whole result as JSON (per string: found, similarity, word accuracy, read, boxes)
  --provider P     auto (default) | cuda | dml | coreml | webgpu | cpu

Exit status: 0 when every string was read as written, {{issues}} when some were not, 2 for bad arguments, 1 for other errors.`,
    notBoth: 'Give --prompt or --text, not both.',
    promptNoQuotes: '--prompt quotes no text, so there is nothing to check. Put the words in quotes ("like this"), or pass them with --text.',
    noRecipe: '{{file}} carries no recipe with a prompt: pass --prompt TEXT or --text S.',
    recipeNoQuotes: "The prompt in {{file}}'s recipe quotes no text, so there is nothing to check. Pass --text S to look for a string.",
    fromRecipe: 'the recipe in the PNG',
    noLetters: 'The strings from {{from}} have no letters or digits to check.',
    needImage: '--image FILE is required.',
    notAFile: 'not a file',
    imageUnreadable: '--image {{file}} cannot be read ({{message}}).',
    found: '✓ found   {{similarity}}  {{target}}',
    missing: '✗ missing {{similarity}}  {{target}}{{read}}',
    readNothing: '  (nothing read there)',
    readAs: '  read {{read}}',
    skipped: '- skipped        {{text}}  (no letters or digits)',
    summary: '{{found}}/{{total}} found, score {{score}}. {{message}}',
  },
  progress: {
    phase: {
      load: 'loading',
      tokenize: 'tokenizing',
      ar: 'AR tokens',
      glyph: 'glyph text',
      dit: 'denoising',
      vae: 'VAE',
      remote: 'on server',
      check: 'text check',
      save: 'saving',
    },
    eta: 'ETA {{duration}}',
  },
  compile: {
    help: `Usage: glimmer compile --checkpoint MODEL --out DIR [--precision P] [--force]

Compiles a GLM-Image checkpoint (Hugging Face layout) into ONNX graphs the engine runs.
  --checkpoint MODEL  a checkpoint folder, or its name or id from \`glimmer models list\`
  --precision         {{precisions}}; default fp32
  --force             rebuild every module (otherwise finished modules are kept: an interrupted compile resumes)`,
    needCheckpoint: '--checkpoint is required (see `glimmer compile --help`).',
    needOut: '--out DIR is required (see `glimmer compile --help`).',
    kept: 'already built, kept',
    built: 'built',
    building: 'building...',
    moduleLine: '[{{index}}/{{total}}] {{module}} {{what}}{{size}}{{took}}',
    size: ' {{size}}',
    took: ' in {{seconds}} s',
    groupLine: '[{{index}}/{{total}}] {{module}} {{group}}: {{done}} of {{all}} tensors, {{bytesDone}} of {{bytesTotal}} ({{percent}}%){{eta}}',
    eta: ' · ETA {{duration}}',
    compiled: 'Compiled {{name}} ({{precision}}) as {{id}} into {{dir}} in {{seconds}} s',
  },
  models: {
    help: `Usage: glimmer models <list|find|validate|import|download|remove> [options]

  list                          every model: name, precision, status, size, folder and id
  find                          GLM-Image in the Hugging Face cache (HF_HUB_CACHE, HF_HOME/hub, ~/.cache/huggingface/hub)
  validate --path DIR           check a folder in the GLM-Image layout and say what is missing
  import --path DIR [--copy] [--name N]
                                add a checkpoint folder (used in place; --copy copies it into the models folder);
                                with no model chosen yet, the studio uses it
  remove --id MODEL             forget an imported folder, or delete a downloaded/compiled model (a name or id
                                from \`glimmer models list\`)
  download [--repo R] [--revision REV] [--endpoint URL] [--token T] [--dest DIR]
                                download {{repo}} (only the files the app needs), resumable: run it again after
                                Ctrl-C or a dropped connection. Endpoint default: HF_ENDPOINT or https://huggingface.co;
                                token default: HF_TOKEN. Destination default: <models folder>/checkpoints/.
The models folder is GLIMMER_MODELS_DIR or <data folder>/models.`,
    none: 'No models in {{dir}} or the Hugging Face cache. Run `glimmer models download`.',
    status: {
      ready: 'ready',
      partial: 'partial',
      incomplete: 'incomplete',
      missing: 'not found',
      stale: 'stale',
      unknown: 'unknown',
      compiling: 'compiling',
    },
    kind: {
      checkpoint: 'checkpoint',
      compiled: 'compiled',
    },
    idLine: 'id: {{id}}',
    noneInCache: 'No {{repo}} in {{dir}}.',
    complete: 'complete',
    incomplete: 'incomplete',
    needPath: '--path DIR is required (see `glimmer models --help`).',
    imported: 'Imported {{name}} ({{how}}): {{path}}',
    inPlace: 'used in place',
    copied: 'copied',
    selected: 'The studio uses it from now on (no model was chosen).',
    needId: '--id MODEL is required (names and ids are shown by `glimmer models list`).',
    forgot: 'Forgot {{path}} (its files are untouched).',
    deleted: 'Deleted {{path}} ({{size}} freed).',
    downloaded: 'Downloaded {{repo}}@{{commit}} into {{dir}}: {{fetched}} fetched, {{reused}} already there. {{summary}}',
    paused: 'Paused. Run the same command again to resume; finished files and partial files in {{dir}} are kept.',
    downloadDone: 'done',
    unknownSub: 'Unknown subcommand "{{sub}}" (see `glimmer models --help`).',
    notFound: 'No model named "{{name}}" and no such folder. Names and ids: `glimmer models list`.',
    ambiguous: '"{{name}}" names {{count}} models ({{ids}}); use an id from `glimmer models list`.',
  },
  library: {
    help: `Usage: glimmer library rebuild

Rebuilds the library of the data folder (GLIMMER_DATA_DIR, or the default one) from its image store
when its database is missing, empty or unreadable. The damaged database is kept beside it; every
image comes back with the recipe stored in it (projects, tags and ratings do not). A library that
opens is never touched.`,
    unknownArgs: 'Unknown arguments: {{args}} (see `glimmer library --help`).',
    keptAs: 'The damaged database was kept as {{file}}',
    rebuilt_one: 'Rebuilt the library in {{dir}}: {{count}} image, {{withRecipe}} with their recipe.',
    rebuilt_other: 'Rebuilt the library in {{dir}}: {{count}} images, {{withRecipe}} with their recipe.',
    notRestored: '  not restored: {{file}}',
  },
  servers: {
    help: `Usage: glimmer servers <add|list|test|remove> [options]

  add --name N --url URL [--kind openai|glimmer] [--pool P] [--key-file FILE] [--ca-file FILE]
                     add a server: vLLM-Omni or SGLang-Diffusion serving GLM-Image (openai), or another
                     Glimmer Studio's \`glimmer serve\` (glimmer); the kind is asked of the server when
                     not given. Its key: the first line of --key-file, else GLIMMER_ENGINE_KEY, else none.
                     Servers sharing a --pool take that pool's jobs in turn. --ca-file: a CA certificate
                     (PEM) to trust for an HTTPS server with its own certificate.
  list               every server: name, kind, URL, pool, whether a key is set, jobs done
  test --name N      ask the server what it is and whether it answers (or --url URL [--kind K])
  remove --name N    forget a server`,
    notAKey: 'the first line is not a key',
    keyFileUnusable: '--key-file {{file}} cannot be used ({{reason}}).',
    testOk: 'ok   {{name}}: {{message}}{{latency}}',
    testFail: 'FAIL {{name}}: {{message}}{{latency}}',
    latency: ' ({{ms}} ms)',
    badKind: '--kind must be openai or glimmer, not "{{value}}".',
    needNameListed: '--name N is required (names are shown by `glimmer servers list`).',
    noSuchName: 'There is no server named "{{name}}" (see `glimmer servers list`).',
    none: 'No servers. Add one with `glimmer servers add --name N --url URL`.',
    kind: {
      openai: 'OpenAI-style image server',
      glimmer: 'Glimmer server',
    },
    aKind: {
      openai: 'an OpenAI-style image server',
      glimmer: 'a Glimmer server',
    },
    listLine: '{{name}}\n  {{kind}}  {{url}}{{pool}}  {{key}}  {{jobs}}',
    listPool: '  pool {{pool}}',
    keySet: 'key set',
    keyNotSet: 'key not set',
    jobsDone: '{{jobs}} job(s) done',
    needName: '--name N is required.',
    needUrl: '--url URL is required.',
    badUrl: '--url {{message}}.',
    added: 'Added {{name}}: {{kind}} at {{url}}{{pool}}{{key}}.',
    addedPool: ', pool {{pool}}',
    addedKey: ', with a key',
    removed: 'Removed {{name}}.',
    unknownSub: 'Unknown servers command "{{sub}}" (see `glimmer servers --help`).',
  },
};

/** Every CLI language has this shape. */
export type CliMessages = DeepStrings<typeof cliEn>;
type DeepStrings<T> = { [K in keyof T]: T[K] extends string ? string : DeepStrings<T[K]> };
