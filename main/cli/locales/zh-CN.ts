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
  },
  serve: {
    help: `用法：glimmer serve [--port N] [--host 127.0.0.1]

通过 HTTP + WebSocket 提供工作室及其 API。单独一行打印要打开的网址（带访问令牌）。
除非 --host 另有指定，只监听本机回环地址。`,
    badHost: '--host“{{host}}”不是主机名或地址。',
    notLoopback: 'glimmer serve：警告：正在监听 {{host}}，不是本机回环地址；任何拿到网址和令牌的人都能使用这个工作室。',
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
  --mode M             edit（指定 --image 时的默认值）| style（--image 内容图 --image 风格图）| identity
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
    styleImages: '--mode style 需要两个 --image 文件：先内容图，再风格图。',
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
};
