/** A signature question: the drawing is a draft file, the answer names it, the signer and when. */
import { localTimestamp } from '../../sync';
import { label } from '../i18n';
import type { FileFieldProps } from './context';
import { SignaturePad, type SignatureAnswer } from './SignaturePad';


export function SignatureField({ id, question, value, context, set, describedBy }: FileFieldProps) {
  const answer = isSignature(value) ? value : null;
  // One file per signature question; the code is a valid attachment name by construction.
  const name = `${question.code}.png`;
  return (
    <SignaturePad
      id={id}
      label={label(question.label)}
      value={answer}
      image={context.files.get(name) ?? null}
      describedBy={describedBy}
      onDrawn={(png, signer) => {
        const signedAt = localTimestamp();
        void context.putFile(name, png, 'image/png').then(() => set({ attachment: name, name: signer(), signed_at: signedAt }));
      }}
      onName={(signer) => {
        // Without a drawing there is nothing to name yet: the pad keeps the name for it.
        if (answer) set({ ...answer, name: signer });
      }}
      onClear={() => {
        void context.removeFile(name).then(() => set(undefined));
      }}
    />
  );
}

function isSignature(value: unknown): value is SignatureAnswer {
  return Boolean(value && typeof value === 'object' && 'attachment' in value);
}
