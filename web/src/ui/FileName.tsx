/** A file name on screen: it wraps only between its pieces (file-name-pieces.ts), each piece whole. */
import { Fragment } from 'react';
import { fileNamePieces, LONG_PIECE } from './file-name-pieces';

export function FileName({ name }: { name: string }) {
  return fileNamePieces(name).map((piece, index) => (
    <Fragment key={index}>
      {index > 0 && <wbr />}
      <span data-long={piece.length > LONG_PIECE || undefined}>{piece}</span>
    </Fragment>
  ));
}
