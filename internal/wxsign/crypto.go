package wxsign

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
)

// blockSize is the PKCS#7 block WeChat pads to: 32 bytes, not AES's 16.
const blockSize = 32

// Encrypt seals xml the way WeChat's safe mode does: AES-256-CBC over
// random(16) ‖ len(xml) as 4 bytes big-endian ‖ xml ‖ AppID, PKCS#7-padded
// to 32 bytes, IV = key[:16], then base64. random must be 16 bytes; pinning
// it lets tests reproduce published ciphertexts exactly.
func (a Account) Encrypt(xml []byte, random []byte) (encrypt string, err error) {
	if len(random) != 16 {
		return "", fmt.Errorf("wxsign: random prefix is %d bytes, want 16", len(random))
	}
	key, err := a.key()
	if err != nil {
		return "", err
	}
	n := 16 + 4 + len(xml) + len(a.AppID)
	pad := blockSize - n%blockSize // 1..32: a full block when already aligned
	buf := make([]byte, 0, n+pad)
	buf = append(buf, random...)
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(xml)))
	buf = append(buf, xml...)
	buf = append(buf, a.AppID...)
	for i := 0; i < pad; i++ {
		buf = append(buf, byte(pad))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", fmt.Errorf("wxsign: %w", err)
	}
	cipher.NewCBCEncrypter(block, key[:aes.BlockSize]).CryptBlocks(buf, buf)
	return base64.StdEncoding.EncodeToString(buf), nil
}

// Decrypt opens an Encrypt value and returns the message and the AppID it was
// sealed for; checking that AppID is the caller's job, as in WeChat's samples.
func (a Account) Decrypt(encrypt string) (xml []byte, appID string, err error) {
	key, err := a.key()
	if err != nil {
		return nil, "", err
	}
	buf, err := base64.StdEncoding.DecodeString(encrypt)
	if err != nil {
		return nil, "", fmt.Errorf("wxsign: Encrypt is not base64: %w", err)
	}
	if len(buf) == 0 || len(buf)%aes.BlockSize != 0 {
		return nil, "", fmt.Errorf("wxsign: ciphertext is %d bytes, not whole AES blocks", len(buf))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, "", fmt.Errorf("wxsign: %w", err)
	}
	cipher.NewCBCDecrypter(block, key[:aes.BlockSize]).CryptBlocks(buf, buf)

	// Check the whole padding, not just its last byte: a wrong key or a
	// tampered ciphertext should fail here rather than yield garbage.
	pad := int(buf[len(buf)-1])
	if pad < 1 || pad > blockSize || pad > len(buf) {
		return nil, "", errors.New("wxsign: bad padding (wrong EncodingAESKey?)")
	}
	for _, p := range buf[len(buf)-pad:] {
		if int(p) != pad {
			return nil, "", errors.New("wxsign: bad padding (wrong EncodingAESKey?)")
		}
	}
	buf = buf[:len(buf)-pad]
	if len(buf) < 20 {
		return nil, "", fmt.Errorf("wxsign: plaintext is %d bytes, too short", len(buf))
	}
	n := binary.BigEndian.Uint32(buf[16:20])
	if uint64(n) > uint64(len(buf)-20) {
		return nil, "", fmt.Errorf("wxsign: message length %d exceeds plaintext", n)
	}
	end := 20 + int(n)
	// Copy out so callers never alias the scratch buffer.
	return append([]byte(nil), buf[20:end]...), string(buf[end:]), nil
}

// key decodes EncodingAESKey: 43 base64 characters plus "=" give 32 bytes.
func (a Account) key() ([]byte, error) {
	if len(a.EncodingAESKey) != 43 {
		return nil, fmt.Errorf("wxsign: EncodingAESKey is %d characters, want 43", len(a.EncodingAESKey))
	}
	key, err := base64.StdEncoding.DecodeString(a.EncodingAESKey + "=")
	if err != nil {
		return nil, fmt.Errorf("wxsign: EncodingAESKey is not base64: %w", err)
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("wxsign: EncodingAESKey decodes to %d bytes, want 32", len(key))
	}
	return key, nil
}
