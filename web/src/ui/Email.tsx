/**
 * An e-mail address on screen: it wraps only between its pieces (email-pieces.ts), each piece whole;
 * a column too narrow for its longest piece scrolls with its table instead of cutting a word.
 */
import { Fragment } from 'react';
import { emailPieces } from './email-pieces';

export function Email({ address }: { address: string }) {
  return (
    <span className="kith-email" data-email={address}>
      {emailPieces(address).map((piece, index) => (
        <Fragment key={index}>
          {index > 0 && <wbr />}
          <span>{piece}</span>
        </Fragment>
      ))}
    </span>
  );
}
