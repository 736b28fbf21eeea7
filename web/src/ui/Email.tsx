/**
 * An e-mail address on screen: it wraps only between its pieces (email-pieces.ts), each piece whole;
 * a column too narrow for its longest piece scrolls with its table instead of cutting a word.
 */
import { emailPieces } from './email-pieces';
import { WrappedPieces } from './WrappedPieces';

export function Email({ address }: { address: string }) {
  return (
    <span className="kith-email" data-email={address}>
      <WrappedPieces pieces={emailPieces(address)} />
    </span>
  );
}
