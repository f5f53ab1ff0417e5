/** Route-independent shapes: what the operations ask for and what a response yields. */

export interface InputImage {
	/** The raw bytes; base64 is produced once, when the request body is built. */
	data: Buffer;
	mimeType: string;
	/** Where the image came from, for error messages (binary field name or URL). */
	source: string;
}

export interface GenerationInput {
	model: string;
	prompt: string;
	images: InputImage[];
	/** Empty means the model's default. */
	aspectRatio?: string;
	imageSize?: string;
	/** IMAGE only, or TEXT and IMAGE; undefined leaves the model's default. */
	responseModalities?: Array<'TEXT' | 'IMAGE'>;
	systemInstruction?: string;
	temperature?: number;
	topP?: number;
	seed?: number;
	safetySettings?: Array<{ category: string; threshold: string }>;
	googleSearch?: boolean;
}

export interface OutputImage {
	data: Buffer;
	mimeType: string;
	extension: string;
	width?: number;
	height?: number;
	/** The MIME type the API claimed, when it differs from the bytes. */
	labelledMimeType?: string;
}

export interface TokenUsage {
	promptTokens?: number;
	outputTokens?: number;
	thoughtsTokens?: number;
	totalTokens?: number;
}

export interface GroundingSource {
	title?: string;
	uri?: string;
}

export interface GenerationResult {
	/** Final images only: drafts of thinking models are left out. */
	images: OutputImage[];
	/** The model's own text, thoughts left out. */
	text: string;
	finishReason?: string;
	finishMessage?: string;
	blockReason?: string;
	blockReasonMessage?: string;
	usage?: TokenUsage;
	modelVersion?: string;
	responseId?: string;
	groundingSources?: GroundingSource[];
	searchQueries?: string[];
	/** How many draft images (thought: true) were skipped. */
	draftImagesSkipped: number;
	/** Image parts that held no usable image (0 bytes, or bytes of no image format): never output. */
	unusableImages?: number;
}
