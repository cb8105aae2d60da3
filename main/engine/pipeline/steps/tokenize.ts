/** 3. tokenize: chat template + target-shape suffix (+ <|image|> placeholders for image-to-image). */
import { need, type Step } from '../state';

export const tokenize: Step = async (state, { input, sessions, clock }) => {
  const refs = need(state, 'references', 'tokenize');
  const processor = sessions.model.processor;
  const prompt =
    refs.length > 0
      ? processor.imageToImage({ prompt: input.prompt, height: input.height, width: input.width, references: refs.map((r) => ({ height: r.height, width: r.width })) })
      : processor.textToImage({ prompt: input.prompt, height: input.height, width: input.width });
  clock.step(1, 1);
  return { ...state, prompt, inputIds: prompt.inputIds };
};
