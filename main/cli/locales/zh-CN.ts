/** 命令行的简体中文文案（键和占位符与 en.ts 相同）。 */
import type { CliMessages } from './en';

export const cliZhCN: CliMessages = {
  usage: {
    title: '用法：',
    more: '运行 `glimmer <命令> --help` 查看它的选项。',
    unknown: 'glimmer：未知命令“{{name}}”。',
    failed: 'glimmer {{name}}：{{message}}',
    commands: {
      serve: '为浏览器或其他工作室提供工作室及其 API（以及 OpenAI 风格的图片 API）',
      info: '显示 onnxruntime-node 在这台机器上能提供什么',
      generate: '用模型根据提示词（和参考图）生成图片，或在服务器上生成',
      'check-text': '从图片中读回提示词里引号中的文字（每个字符串：是否找到、得分）',
      compile: '把 GLM-Image 检查点编译成引擎运行的 ONNX 图',
      models: '列出、查找、检查、导入、下载和删除 GLM-Image 模型',
      library: '从图片重建损坏的图库',
      servers: '任务可以运行的服务器：添加、列出、测试、删除',
    },
  },
  args: {
    seeHelp: '{{message}}（见 `glimmer {{command}} --help`）',
    wholeNumber: '--{{name}} 必须是 {{min}} 到 {{max}} 之间的整数（收到的是“{{value}}”）。',
  },
  info: {
    usage: '用法：glimmer info [--json]',
    version: 'onnxruntime-node {{version}}',
    chosen: '选用：{{provider}} — {{reason}}',
    adapter: '设备：{{adapter}}',
  },
  serve: {
    help: `用法：glimmer serve [--port N] [--host 127.0.0.1] [--token-file 文件] [--allow-remote] [--tls-cert 文件 --tls-key 文件]

通过 HTTP + WebSocket 提供工作室及其 API，并提供兼容 OpenAI 的图片 API
（POST /v1/images/generations、POST /v1/images/edits、GET /v1/models；以 b64_json 返回）。
单独一行打印要打开的网址（带访问令牌）。每个请求都需要令牌：由该网址设置的 Cookie，
或供 API 客户端和其他工作室使用的 "Authorization: Bearer <令牌>"。

  --port N          端口（默认：任意空闲端口）
  --host 地址       监听的地址（默认 127.0.0.1：仅本机）
  --allow-remote    --host 不是本机回环地址时必须加上：其他机器随后可以发送任务
  --tls-cert 文件   使用此证书提供 HTTPS（PEM；与 --tls-key 一起使用）
  --tls-key 文件    证书的私钥（PEM）
  --token-file 文件 从文件的第一行读取访问令牌（默认：GLIMMER_SERVE_TOKEN，否则每次启动
                    生成新的随机令牌）。至少 16 个字符，只能是 A-Z a-z 0-9 . _ ~ -`,
    badHost: '--host“{{host}}”不是主机名或地址。',
    tokenFileUnreadable: '无法读取 --token-file {{file}}（{{code}}）。',
    readError: '错误',
    badToken: '来自 {{from}} 的访问令牌必须是 16 到 256 个字符，只能是 A-Z a-z 0-9 . _ ~ -。',
    notPem: '不是 PEM 文件',
    pemUnreadable: '无法读取 {{option}} {{file}}（{{reason}}）。',
    tlsPair: '--tls-cert 和 --tls-key 必须一起使用：两个文件都给，或者都不给。',
    needAllowRemote: '--host {{host}} 会让其他机器访问这个工作室：如确有此意，请加上 --allow-remote（使用 HTTPS 还需 --tls-cert/--tls-key）。',
    notLoopback: 'glimmer serve：警告：正在监听 {{host}}，不是本机回环地址：任何能访问这台机器并持有令牌的人都能运行任务、读取图库。',
    noTls: 'glimmer serve：警告：没有 --tls-cert/--tls-key 时，令牌和图片以明文传输；在可信网络之外请使用 HTTPS。',
    portTaken: '端口 {{port}} 已被占用；请用 --port 另选一个。',
    tlsUnusable: '无法使用该 TLS 证书或私钥（{{message}}）。',
    serving: 'Glimmer Studio 正在 {{url}} 提供服务',
    openThis: '打开这个网址（其中带有访问令牌）：',
  },
  generate: {
    help: `用法：glimmer generate --model 模型 --prompt 文本 --out 文件.png [选项]
      glimmer generate --engine URL --prompt 文本 --out 文件.png [选项]

  --model 模型         \`glimmer models list\` 列出的名称或 id、已编译的模型文件夹，或 GLM-Image 检查点
                       文件夹（会即时编译到缓存中）
  --prompt 文本        要生成的内容（'引号中的文字' 会画成字形）
  --size 宽x高         输出尺寸：每边 {{min}} 到 {{max}}，{{step}} 的倍数（默认 1024x1024）
  --steps N            去噪步数（默认 50）
  --guidance G         无分类器引导强度（默认 1.5）
  --seed N             AR 采样和初始噪声的种子（默认随机，会打印出来）
  --temperature T      AR 采样温度（默认 0.9，即 GLM-Image 的取值）
  --top-p P            AR 核采样阈值（默认 0.75，即 GLM-Image 的取值）
  --count N            生成张数（种子依次为 seed、seed+1……；文件为 文件-1.png、文件-2.png……）
  --best-of N          按文字择优：生成 N 个候选（AR 种子依次为 seed、seed+1……；噪声都用 seed），逐个读回
                       引号中的文字（打印出来），文件为 文件-1.png……，并指出最好的一个
  --image 文件         参考图（可重复指定多张）；指定后为图生图
  --mode M             edit（指定 --image 时的默认值）| style（--image 内容图 --image 风格图，风格图最多 3 张）| identity
  --mask 文件          仅用于 edit：白色 = 修改，黑色 = 保留
  --provider P         auto（默认）| cuda | dml | coreml | webgpu | cpu
  --profile P          resident | sequential（默认 sequential：内存中同时只放一个阶段）
  --precision P        用于检查点：{{precisions}}（默认 fp32）
  --tier T             内存档位：{{tiers}}（决定预设、计算精度、内存方案和 VAE 分块；
                       此时不使用 --profile 和 --precision）
  --stats              每张图片之后：各流水线步骤的毫秒数，以及各模块发给 onnxruntime 和从中读取的字节数
                       （在 GPU 提供程序上即主机与设备之间）
  --engine URL         改在服务器上运行：提供 GLM-Image 的 vLLM-Omni 或 SGLang-Diffusion，或另一个
                       Glimmer Studio 的 \`glimmer serve\`；密钥来自 GLIMMER_ENGINE_KEY
  --engine-kind K      openai | glimmer（默认：询问服务器）
  --engine-ca FILE     信任的 CA 证书（PEM），用于使用自有证书的 HTTPS 服务器

没有反向提示词：GLM-Image 的无条件分支不会读取它。`,
    needPrompt: '必须提供 --prompt 文本。',
    badSize: '--size 的格式应为 1024x768（宽x高），而不是“{{value}}”。',
    badNumber: '--{{name}} 必须是数字，而不是“{{value}}”。',
    imageMissing: '{{what}} {{file}} 不存在。',
    imageUnreadable: '无法读取 {{what}} {{file}}（{{message}}）。',
    maskNeedsEdit: '--mask 只能与 --mode edit 一起使用。',
    imageNeedsMode: '--image 需要 --mode edit、style 或 identity。',
    editImages: '--mode edit 需要一到四个 --image 文件（第一个是被编辑的图片）。',
    styleImages: '--mode style 需要两到四个 --image 文件：先内容图，再一到三张风格图。',
    styleN: '--image（风格图 {{n}}）',
    identityImages: '--mode identity 只需要一个 --image（主体）。',
    badMode: '--mode 必须是 edit、style 或 identity，而不是“{{mode}}”。',
    imageN: '--image {{n}}',
    maskWhat: '--mask',
    contentWhat: '--image（内容图）',
    styleWhat: '--image（风格图）',
    subjectWhat: '--image（主体）',
    invalid: '{{option}}：{{message}}。',
    needModel: '必须提供 --model（`glimmer models list` 中的名称或 id、已编译的模型文件夹或 GLM-Image 检查点）。',
    needOut: '必须提供 --out 文件.png。',
    outNotPng: '--out 必须是 .png 文件，而不是“{{value}}”。',
    outDirMissing: '--out 所在的文件夹（{{dir}}）不存在。',
    badProvider: '--provider 必须是 auto、{{list}}；而不是“{{value}}”。',
    badProfile: '--profile 必须是 resident 或 sequential，而不是“{{value}}”。',
    badPrecision: '--precision 必须是 {{list}}；而不是“{{value}}”。',
    badTier: '--tier 必须是 {{list}}；而不是“{{value}}”。',
    modelWithEngine: '--model 和 --engine 不能同时使用：模型由服务器决定。',
    provider: '执行提供程序：{{provider}} — {{reason}}',
    wrote: '{{file}}（种子 {{seed}}，{{width}}x{{height}}，{{steps}} 步，模型 {{model}}）',
    wroteCandidate: '{{file}}（AR 种子 {{arSeed}}，噪声种子 {{noiseSeed}}，{{width}}x{{height}}，{{steps}} 步，模型 {{model}}）',
    bestOf: '按文字 {{count}} 选 1：{{file}}（得分 {{score}}，找到 {{found}}/{{total}}）',
    ranking: '排名：{{order}}',
    bestOfWithCount: '--best-of N 会生成 N 个候选：请不要同时给 --count。',
    done_one: '完成：{{count}} 张图片，用时 {{seconds}} 秒',
    done_other: '完成：{{count}} 张图片，用时 {{seconds}} 秒',
    badEngineKey: 'GLIMMER_ENGINE_KEY 必须由可打印字符组成，不能有空格。',
    noCertificate: '其中没有证书',
    caUnusable: '无法使用 {{option}} {{file}}（{{reason}}）。',
    badEngine: '--engine {{message}}。',
    badEngineKind: '--engine-kind 必须是 openai 或 glimmer，而不是“{{value}}”。',
    engine: '服务器：{{host}}（{{kind}}）',
    wroteRemote: '{{file}}（种子 {{seed}}，{{width}}x{{height}}，{{steps}} 步，模型 {{model}}，在 {{host}} 上{{notTaken}}）',
    notTaken: '；它无法接受：{{limits}}',
  },
  checkText: {
    help: `用法：glimmer check-text --image 文件 [--prompt 文本 | --text S ...] [--json] [--provider P]

  --image 文件     要读取的图片（PNG、JPEG 或 WebP）
  --prompt 文本    提示词：查找其中引号里的字符串（"像这样"、'这样'、“这样”、「这样」）
  --text S         要查找的字符串（可重复给出多个）；代替 --prompt
                   （两者都不给：使用 PNG 中配方的提示词，如果有的话）
  --json           以 JSON 输出完整结果（每个字符串：是否找到、相似度、词准确率、读到的内容、文字框）
  --provider P     auto（默认）| cuda | dml | coreml | webgpu | cpu

退出状态：每个字符串都按原样读出时为 0，有的没有读出时为 {{issues}}，参数错误为 2，其他错误为 1。`,
    notBoth: '请给出 --prompt 或 --text，不要同时给出。',
    promptNoQuotes: '--prompt 的引号中没有文字，没有可检查的内容。请把文字放在引号中（"像这样"），或用 --text 给出。',
    noRecipe: '{{file}} 中没有带提示词的配方：请给出 --prompt 文本 或 --text S。',
    recipeNoQuotes: '{{file}} 的配方中的提示词没有引号中的文字，没有可检查的内容。请用 --text S 给出要查找的字符串。',
    fromRecipe: 'PNG 中的配方',
    noLetters: '来自 {{from}} 的字符串中没有可检查的字母或数字。',
    needImage: '必须提供 --image 文件。',
    notAFile: '不是文件',
    imageUnreadable: '无法读取 --image {{file}}（{{message}}）。',
    found: '✓ 找到 {{similarity}}  {{target}}',
    missing: '✗ 缺失 {{similarity}}  {{target}}{{read}}',
    readNothing: '  （那里没有读到文字）',
    readAs: '  读成 {{read}}',
    skipped: '- 跳过        {{text}}  （没有字母或数字）',
    summary: '找到 {{found}}/{{total}}，得分 {{score}}。{{message}}',
  },
  progress: {
    phase: {
      load: '加载中',
      tokenize: '分词',
      ar: 'AR 词元',
      glyph: '字形文字',
      dit: '去噪',
      vae: 'VAE 解码',
      remote: '在服务器上',
      check: '文字检查',
      save: '保存',
    },
    eta: '预计还需 {{duration}}',
  },
  compile: {
    help: `用法：glimmer compile --checkpoint 模型 --out 目录 [--precision P] [--force]

把 GLM-Image 检查点（Hugging Face 目录结构）编译成引擎运行的 ONNX 图。
  --checkpoint 模型   检查点文件夹，或 \`glimmer models list\` 中它的名称或 id
  --precision         {{precisions}}；默认 fp32
  --force             重新构建每个模块（否则保留已完成的模块：中断的编译会继续）`,
    needCheckpoint: '必须提供 --checkpoint（见 `glimmer compile --help`）。',
    needOut: '必须提供 --out 目录（见 `glimmer compile --help`）。',
    kept: '已构建，保留',
    built: '已构建',
    building: '构建中……',
    moduleLine: '[{{index}}/{{total}}] {{module}} {{what}}{{size}}{{took}}',
    size: ' {{size}}',
    took: '，用时 {{seconds}} 秒',
    groupLine: '[{{index}}/{{total}}] {{module}} {{group}}：{{done}} / {{all}} 个张量，{{bytesDone}} / {{bytesTotal}}（{{percent}}%）{{eta}}',
    eta: ' · 预计还需 {{duration}}',
    compiled: '已把 {{name}}（{{precision}}）编译为 {{id}}，输出到 {{dir}}，用时 {{seconds}} 秒',
  },
  models: {
    help: `用法：glimmer models <list|find|validate|import|download|remove> [选项]

  list                          所有模型：名称、精度、状态、大小、文件夹和 id
  find                          在 Hugging Face 缓存中查找 GLM-Image（HF_HUB_CACHE、HF_HOME/hub、~/.cache/huggingface/hub）
  validate --path 目录          检查一个 GLM-Image 目录结构的文件夹，并说明缺少什么
  import --path 目录 [--copy] [--name 名称]
                                添加检查点文件夹（在原位置使用；--copy 会复制到模型文件夹）；
                                如果尚未选择模型，工作室会使用它
  remove --id 模型              移除导入文件夹的记录，或删除已下载/已编译的模型（\`glimmer models list\`
                                中的名称或 id）
  download [--repo R] [--revision REV] [--endpoint URL] [--token T] [--dest 目录]
                                下载 {{repo}}（只下载应用需要的文件），可续传：按 Ctrl-C 或断线后再运行一次即可。
                                地址默认为 HF_ENDPOINT 或 https://huggingface.co；令牌默认为 HF_TOKEN。
                                目标目录默认为 <模型文件夹>/checkpoints/。
模型文件夹为 GLIMMER_MODELS_DIR 或 <数据文件夹>/models。`,
    none: '{{dir}} 和 Hugging Face 缓存中都没有模型。请运行 `glimmer models download`。',
    status: {
      ready: '就绪',
      partial: '未下载完',
      incomplete: '不完整',
      missing: '未找到',
      stale: '已过期',
      unknown: '未知',
      compiling: '编译中',
    },
    kind: {
      checkpoint: '检查点',
      compiled: '已编译',
    },
    idLine: 'id：{{id}}',
    noneInCache: '{{dir}} 中没有 {{repo}}。',
    complete: '完整',
    incomplete: '不完整',
    needPath: '必须提供 --path 目录（见 `glimmer models --help`）。',
    imported: '已导入 {{name}}（{{how}}）：{{path}}',
    inPlace: '在原位置使用',
    copied: '已复制',
    selected: '工作室从现在起使用它（之前没有选择模型）。',
    needId: '必须提供 --id 模型（名称和 id 见 `glimmer models list`）。',
    forgot: '已移除 {{path}} 的记录（文件保持不变）。',
    deleted: '已删除 {{path}}（释放 {{size}}）。',
    downloaded: '已把 {{repo}}@{{commit}} 下载到 {{dir}}：新下载 {{fetched}}，已有 {{reused}}。{{summary}}',
    paused: '已暂停。再次运行同一命令即可继续；{{dir}} 中已完成和未完成的文件都会保留。',
    downloadDone: '完成',
    unknownSub: '未知子命令“{{sub}}”（见 `glimmer models --help`）。',
    notFound: '没有名为“{{name}}”的模型，也没有这个文件夹。名称和 id 见 `glimmer models list`。',
    ambiguous: '“{{name}}”对应 {{count}} 个模型（{{ids}}）；请使用 `glimmer models list` 中的 id。',
  },
  library: {
    help: `用法：glimmer library rebuild

当数据文件夹（GLIMMER_DATA_DIR 或默认文件夹）的图库数据库缺失、为空或无法读取时，根据其图片存储
重建图库。损坏的数据库会保留在旁边；每张图片都会连同其中保存的配方一起恢复（项目、标签和评分不会）。
能正常打开的图库绝不会被改动。`,
    unknownArgs: '未知参数：{{args}}（见 `glimmer library --help`）。',
    keptAs: '损坏的数据库已保留为 {{file}}',
    rebuilt_one: '已重建 {{dir}} 中的图库：{{count}} 张图片，其中 {{withRecipe}} 张带有配方。',
    rebuilt_other: '已重建 {{dir}} 中的图库：{{count}} 张图片，其中 {{withRecipe}} 张带有配方。',
    notRestored: '  未恢复：{{file}}',
  },
  servers: {
    help: `用法：glimmer servers <add|list|test|remove> [选项]

  add --name 名称 --url URL [--kind openai|glimmer] [--pool 池名] [--key-file 文件] [--ca-file 文件]
                     添加服务器：提供 GLM-Image 的 vLLM-Omni 或 SGLang-Diffusion（openai），或另一个
                     Glimmer Studio 的 \`glimmer serve\`（glimmer）；未指定类型时会询问服务器。
                     密钥：--key-file 的第一行，否则为 GLIMMER_ENGINE_KEY，否则没有密钥。
                     同一 --pool 的服务器轮流接收该服务器池的任务。--ca-file：信任的 CA 证书（PEM），
                     用于使用自有证书的 HTTPS 服务器。
  list               所有服务器：名称、类型、URL、服务器池、是否设置了密钥、已完成的任务数
  test --name 名称   询问服务器是什么、是否有响应（或 --url URL [--kind K]）
  remove --name 名称 移除一个服务器`,
    notAKey: '第一行不是密钥',
    keyFileUnusable: '无法使用 --key-file {{file}}（{{reason}}）。',
    testOk: '正常 {{name}}：{{message}}{{latency}}',
    testFail: '失败 {{name}}：{{message}}{{latency}}',
    latency: '（{{ms}} 毫秒）',
    badKind: '--kind 必须是 openai 或 glimmer，而不是“{{value}}”。',
    needNameListed: '必须提供 --name 名称（名称见 `glimmer servers list`）。',
    noSuchName: '没有名为“{{name}}”的服务器（见 `glimmer servers list`）。',
    none: '没有服务器。用 `glimmer servers add --name 名称 --url URL` 添加一个。',
    kind: {
      openai: 'OpenAI 风格的图片服务器',
      glimmer: 'Glimmer 服务器',
    },
    aKind: {
      openai: '一个 OpenAI 风格的图片服务器',
      glimmer: '一个 Glimmer 服务器',
    },
    listLine: '{{name}}\n  {{kind}}  {{url}}{{pool}}  {{key}}  {{jobs}}',
    listPool: '  服务器池 {{pool}}',
    keySet: '已设置密钥',
    keyNotSet: '未设置密钥',
    jobsDone: '已完成 {{jobs}} 个任务',
    needName: '必须提供 --name 名称。',
    needUrl: '必须提供 --url URL。',
    badUrl: '--url {{message}}。',
    added: '已添加 {{name}}：{{kind}}，地址 {{url}}{{pool}}{{key}}。',
    addedPool: '，服务器池 {{pool}}',
    addedKey: '，带密钥',
    removed: '已移除 {{name}}。',
    unknownSub: '未知的 servers 命令“{{sub}}”（见 `glimmer servers --help`）。',
  },
};
